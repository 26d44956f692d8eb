package mono.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WebTest {
    @Test void serves() { assertEquals(4, 2 * 2); }
}
