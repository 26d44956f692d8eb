package mono.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CoreTest {
    @Test void subtracts() { assertEquals(2, 5 - 3); }
    @Test void multiplies() { assertEquals(7, 2 * 3); }
}
