package mono.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

class ApiTest {
    @Test void adds() { assertEquals(5, 2 + 3); }
    @Test void divides() { assertEquals(2, 6 / 3); }
    @Disabled("not yet") @Test void later() { }
}
