package alpha

import "testing"

func TestAdds(t *testing.T) {
	if 2+3 != 5 {
		t.Fatal("2+3 != 5")
	}
}

func TestLater(t *testing.T) { t.Skip("not yet") }
