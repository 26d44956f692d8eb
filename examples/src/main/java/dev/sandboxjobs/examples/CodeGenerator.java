package dev.sandboxjobs.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Turns a question into Python code. The examples take it as a parameter so that the code can
 * come from a file, an argument, or a model ({@link AnthropicCodeGenerator}).
 *
 * <pre>{@code
 * CodeGenerator fixed = CodeGenerator.of("print(sum(range(11)))");
 * CodeGenerator fromFile = CodeGenerator.fromFile(Path.of("answer.py"));
 * CodeGenerator model = AnthropicCodeGenerator.fromEnvironment();   // needs ANTHROPIC_API_KEY
 * }</pre>
 */
@FunctionalInterface
public interface CodeGenerator {
    /**
     * Python code answering {@code question}.
     *
     * @param question what the user asked, in plain language
     * @param context what the code can use (for example the path and columns of a CSV file), or empty
     */
    String generate(String question, String context);

    /** Always the given code, whatever the question. */
    static CodeGenerator of(String code) {
        Objects.requireNonNull(code, "code");
        return (question, context) -> code;
    }

    /** The code in a file, read when {@link #generate} is called. */
    static CodeGenerator fromFile(Path file) {
        Objects.requireNonNull(file, "file");
        return (question, context) -> {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the code file " + file, e);
            }
        };
    }

    /** Code shipped with the examples (a resource under {@code /examples/}). */
    static CodeGenerator fromResource(String name) {
        return (question, context) -> {
            try (var in = CodeGenerator.class.getResourceAsStream("/examples/" + name)) {
                if (in == null) {
                    throw new IllegalArgumentException("No example resource " + name);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /**
     * The generator the command-line options ask for: {@code --code <python>}, {@code --code-file
     * <path>}, {@code --anthropic} (a model, with {@code ANTHROPIC_API_KEY}), else {@code fallback}.
     */
    static CodeGenerator fromArguments(String[] args, CodeGenerator fallback) {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--code" -> {
                    return of(value(args, i));
                }
                case "--code-file" -> {
                    return fromFile(Path.of(value(args, i)));
                }
                case "--anthropic" -> {
                    return AnthropicCodeGenerator.fromEnvironment();
                }
                default -> { }
            }
        }
        return fallback;
    }

    /** The first argument that is neither an option nor an option's value, or {@code fallback}. */
    static String positional(String[] args, int index, String fallback) {
        int seen = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--code") || args[i].equals("--code-file") || args[i].equals("--csv") || args[i].equals("--out")) {
                i++;
                continue;
            }
            if (args[i].startsWith("--")) {
                continue;
            }
            if (seen++ == index) {
                return args[i];
            }
        }
        return fallback;
    }

    /** The value after option {@code name}, or {@code fallback}. */
    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static String value(String[] args, int i) {
        if (i + 1 >= args.length) {
            throw new IllegalArgumentException(args[i] + " needs a value");
        }
        return args[i + 1];
    }
}
