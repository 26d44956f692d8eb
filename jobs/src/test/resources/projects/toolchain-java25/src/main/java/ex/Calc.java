package ex;

public final class Calc {
    // Java 25: instance main methods and flexible constructor bodies are final; module import declarations
    public static int add(int a, int b) {
        Object o = a;
        return switch (o) { case Integer i when i > 0 -> i + b; default -> a + b; };
    }
}
