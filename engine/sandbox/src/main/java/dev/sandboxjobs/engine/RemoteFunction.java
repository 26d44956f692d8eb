package dev.sandboxjobs.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A function to run in a sandbox with JSON arguments and a JSON return value, as the CoreWeave
 * seed's {@code @session.function}: {@link SandboxOperations#callFunction} runs it in an existing
 * sandbox (its session's directory and environment), {@link SandboxEngine#callFunction} in a fresh
 * sandbox made with the engine's defaults and destroyed afterwards. The function's variables are
 * merged over the sandbox's (defaults included) at call time.
 *
 * <pre>{@code
 * RemoteFunction process = RemoteFunction.python("""
 *         def process(task_id):
 *             import os
 *             return {"task": task_id, "project": os.environ.get("PROJECT_ID"),
 *                     "version": os.environ.get("MODEL_VERSION")}
 *         """, "process").withEnv("MODEL_VERSION", "v2.0");
 * FunctionResult r = engine.callFunction(process, 42);
 * r.value().get("version").asText();   // "v2.0"
 * }</pre>
 *
 * <p>Python: the source is a module (imports, helpers, classes) that defines the function; it runs
 * with the image's {@code python3}. Java ({@link #java}, {@link #javaFile}): a method of a class, compiled
 * with the image's JDK in the sandbox and called with its JSON arguments converted to its parameter
 * types (Jackson, shipped by the engine), its return value converted back; the image needs a JDK
 * ({@code sandbox-jobs/runtime-full}). Arguments are converted to JSON with Jackson (numbers, strings,
 * booleans, lists, maps, records and beans), and so is the return value on the way back.
 *
 * <pre>{@code
 * RemoteFunction score = RemoteFunction.java("""
 *         import java.util.List;
 *         public class Scores {
 *             public record Summary(String label, int total) {}
 *             public static Summary score(String label, List<Integer> values) {
 *                 return new Summary(label, values.stream().mapToInt(Integer::intValue).sum());
 *             }
 *         }
 *         """, "Scores", "score");
 * sandbox.callFunction(score, "run-7", List.of(3, 9, 4)).value();   // {"label":"run-7","total":16}
 * }</pre>
 */
public final class RemoteFunction {
    /** How long a call may run unless another timeout is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    /** The language a function is written in. */
    public enum Language {
        /** Run with the image's {@code python3}. */
        PYTHON,
        /** Compiled and run with the image's JDK ({@code javac} and {@code java}, Java 17 or later). */
        JAVA
    }

    private static final String JAVA_NAME = "[A-Za-z_$][A-Za-z0-9_$]*";

    private final Language language;
    private final String source;
    private final String className;
    private final String name;
    private final String filename;
    private final Map<String, String> env;
    private final Duration timeout;

    private RemoteFunction(Language language, String source, String className, String name, String filename,
            Map<String, String> env, Duration timeout) {
        this.language = language;
        this.source = source;
        this.className = className;
        this.name = name;
        this.filename = filename;
        this.env = Map.copyOf(env);
        this.timeout = timeout;
    }

    private RemoteFunction(String source, String name, String filename, Map<String, String> env, Duration timeout) {
        this(Language.PYTHON, source, null, name, filename, env, timeout);
    }

    /**
     * The function {@code name} defined by Python {@code source}.
     *
     * @throws SandboxException {@link ErrorCode#INVALID_ARGUMENT} for a blank source or a name that
     *     is not a Python identifier
     */
    public static RemoteFunction python(String source, String name) {
        return new RemoteFunction(checkSource(source), checkName(name), "<remote function " + name + ">", Map.of(),
                DEFAULT_TIMEOUT);
    }

    /**
     * The function {@code name} defined in a Python file of the engine's host (read now; tracebacks
     * name the file).
     *
     * @throws SandboxException {@link ErrorCode#FILE_NOT_FOUND} when the file cannot be read
     */
    public static RemoteFunction pythonFile(Path file, String name) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SandboxException(ErrorCode.FILE_NOT_FOUND, "Cannot read the function's source " + file + " on the"
                    + " host: " + e.getMessage() + ".", e);
        }
        return new RemoteFunction(checkSource(text), checkName(name), file.getFileName().toString(), Map.of(),
                DEFAULT_TIMEOUT);
    }

    /**
     * The method {@code method} of the class {@code className} (a binary name: {@code Scores},
     * {@code com.acme.Scores}, {@code com.acme.Outer$Inner}) defined by Java {@code source}, a
     * compilation unit written to {@code <top-level class>.java} and compiled in the sandbox with the
     * engine's Jackson jars on the class path. The method is static, or an instance method of a class
     * with a no-argument constructor; it may be package-private. When several methods have that name,
     * the first with as many parameters whose types the arguments convert to is called.
     *
     * @throws SandboxException {@link ErrorCode#INVALID_ARGUMENT} for a blank source or names that
     *     are not Java names
     */
    public static RemoteFunction java(String source, String className, String method) {
        String type = checkClassName(className);
        return new RemoteFunction(Language.JAVA, checkSource(source), type, checkName(method),
                topLevelName(type) + ".java", Map.of(), DEFAULT_TIMEOUT);
    }

    /**
     * As {@link #java(String, String, String)} for a Java source file already in the sandbox (checked out
     * from git or written with {@code writeFile}): {@code pathInSandbox} is compiled alone, relative to
     * the session's directory unless absolute. A file missing at call time is {@link ErrorCode#FUNCTION_FAILED}.
     *
     * @throws SandboxException {@link ErrorCode#INVALID_ARGUMENT} for a blank path or names that are
     *     not Java names
     */
    public static RemoteFunction javaFile(String pathInSandbox, String className, String method) {
        if (pathInSandbox == null || pathInSandbox.isBlank() || pathInSandbox.indexOf('\0') >= 0) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The path of a function's source in the sandbox is"
                    + " empty or holds a NUL byte.");
        }
        return new RemoteFunction(Language.JAVA, null, checkClassName(className), checkName(method), pathInSandbox,
                Map.of(), DEFAULT_TIMEOUT);
    }

    /** This function with one more environment variable (over the sandbox's and the session's). */
    public RemoteFunction withEnv(String variable, String value) {
        Map<String, String> more = new LinkedHashMap<>(env);
        more.put(variable, value);
        return withEnv(more);
    }

    /** This function with these environment variables instead of its own. */
    public RemoteFunction withEnv(Map<String, String> variables) {
        return new RemoteFunction(language, source, className, name, filename, variables, timeout);
    }

    /** This function with another time limit for each call (then COMMAND_TIMEOUT and the process tree is killed). */
    public RemoteFunction withTimeout(Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A function's timeout must be positive, not " + value + ".");
        }
        return new RemoteFunction(language, source, className, name, filename, env, value);
    }

    public Language language() {
        return language;
    }

    /** The source text; null for {@link #javaFile}, whose source is a file in the sandbox. */
    public String source() {
        return source;
    }

    /** The Java class's binary name; null for Python. */
    public String className() {
        return className;
    }

    /** The function's (Python) or method's (Java) name. */
    public String name() {
        return name;
    }

    /**
     * The file name tracebacks show; for Java the source's file name ({@code Scores.java}), or for
     * {@link #javaFile} its path in the sandbox.
     */
    public String filename() {
        return filename;
    }

    /** {@code Scores.score} for Java, the function's name for Python: how messages name the function. */
    public String displayName() {
        return language == Language.JAVA ? className + "." + name : name;
    }

    public Map<String, String> env() {
        return env;
    }

    public Duration timeout() {
        return timeout;
    }

    private static String checkSource(String source) {
        if (source == null || source.isBlank() || source.indexOf('\0') >= 0) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "A function's source is empty or holds a NUL byte.");
        }
        return source;
    }

    private static String checkName(String name) {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "'" + name + "' is not a function or method name.");
        }
        return name;
    }

    private static String checkClassName(String name) {
        if (name == null || !name.matches(JAVA_NAME + "(\\." + JAVA_NAME + ")*")) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "'" + name + "' is not a Java class name (as"
                    + " com.acme.Scores, or com.acme.Outer$Inner for a nested class).");
        }
        return name;
    }

    private static String topLevelName(String className) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        int nested = simple.indexOf('$');
        return nested > 0 ? simple.substring(0, nested) : simple;
    }

    @Override
    public String toString() {
        return "RemoteFunction[" + language.name().toLowerCase(Locale.ROOT) + " " + displayName() + " from "
                + filename + "]";
    }
}
