package beta

import "testing"

func TestSubtracts(t *testing.T) {
	if 5-3 != 2 {
		t.Fatal("5-3 != 2")
	}
}

func TestDivides(t *testing.T) {
	if 6/3 != 2 {
		t.Fatal("6/3 != 2")
	}
}

func TestMultiplies(t *testing.T) {
	if 2*3 != 7 {
		t.Errorf("2*3 = %d, want 7", 2*3)
	}
}
