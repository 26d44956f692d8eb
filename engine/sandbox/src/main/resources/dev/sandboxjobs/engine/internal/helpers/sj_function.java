// Sandbox Jobs remote-function runner for Java: compiles one source file with the JDK's compiler,
// calls one method with JSON arguments converted to its parameter types, and writes its JSON result
// (or the exception it threw) to a file, so that what the method prints stays its output.
//
//   java -cp JACKSON_JARS sj_function.java REQUEST.json RESULT.json
//
// REQUEST: {"source": "..." or null, "filename": "Scores.java" or a path, "className": "Scores",
//           "name": "score", "args": [...]}
// RESULT:  {"ok": true, "value": ...} or {"ok": false, "error": {"type", "message", "traceback", "phase"}}
// phase: "compile" (javac's diagnostics in traceback), "call" (the method threw), "runner" (no such
// class or method, arguments that fit no method, a return value that is not JSON) or "toolchain" (no javac).
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

final class SjFunction {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A failure to report as the call's result. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final String phase;
        final String type;
        final List<String> lines;

        Failure(String phase, String type, String message, List<String> lines) {
            super(message);
            this.phase = phase;
            this.type = type;
            this.lines = lines;
        }
    }

    public static void main(String[] args) throws Exception {
        Path requestPath = Path.of(args[0]);
        Path resultPath = Path.of(args[1]);
        ObjectNode result = JSON.createObjectNode();
        try {
            JsonNode value = run(JSON.readTree(requestPath.toFile()), requestPath.toAbsolutePath().getParent());
            result.put("ok", true).set("value", value);
        } catch (Failure f) {
            ObjectNode error = result.put("ok", false).putObject("error");
            error.put("phase", f.phase).put("type", f.type).put("message", f.getMessage() == null ? "" : f.getMessage());
            f.lines.forEach(error.putArray("traceback")::add);
        }
        Path tmp = resultPath.resolveSibling(resultPath.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), result);
        Files.move(tmp, resultPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static JsonNode run(JsonNode request, Path work) throws Failure {
        Path classes = work.resolve("classes");
        Path source;
        try {
            Files.createDirectories(classes);
            if (request.path("source").isTextual()) {
                source = work.resolve("src").resolve(request.path("filename").asText());
                Files.createDirectories(source.getParent());
                Files.writeString(source, request.path("source").asText(), StandardCharsets.UTF_8);
            } else {
                source = Path.of(request.path("filename").asText());
                if (!Files.isRegularFile(source)) {
                    throw new Failure("compile", "java.nio.file.NoSuchFileException", "the source file "
                            + source.toAbsolutePath() + " does not exist in the sandbox", List.of());
                }
            }
        } catch (java.io.IOException e) {
            throw new Failure("runner", e.getClass().getName(), String.valueOf(e.getMessage()), List.of());
        }
        classes = compileOrReuse(request, source, classes);
        String className = request.path("className").asText();
        String name = request.path("name").asText();
        List<JsonNode> arguments = new ArrayList<>();
        request.path("args").forEach(arguments::add);
        try {
            URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                    ClassLoader.getSystemClassLoader());
            Thread.currentThread().setContextClassLoader(loader);
            return call(load(loader, className), name, arguments);
        } catch (java.net.MalformedURLException e) {
            throw new Failure("runner", e.getClass().getName(), e.getMessage(), List.of());
        }
    }

    /**
     * A source given as text is compiled once per JVM version into the cache directory ({@code
     * -Dsj.cache}), keyed by its hash, so that calling the same function again skips javac: it is
     * compiled into a directory of this process and renamed into place (a concurrent first call
     * that loses the rename uses its own). A source file of the sandbox is compiled every call.
     */
    private static Path compileOrReuse(JsonNode request, Path source, Path classes) throws Failure {
        String cache = System.getProperty("sj.cache");
        if (cache == null || !request.path("source").isTextual()) {
            compile(source, classes);
            return classes;
        }
        Path cached;
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update((Runtime.version() + "\0" + request.path("filename").asText() + "\0" + request.path("source").asText())
                    .getBytes(StandardCharsets.UTF_8));
            cached = Path.of(cache, "fn-" + java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 32));
        } catch (java.security.NoSuchAlgorithmException e) {
            compile(source, classes);
            return classes;
        }
        if (Files.isDirectory(cached)) {
            return cached;
        }
        Path mine = cached.resolveSibling(cached.getFileName() + "." + ProcessHandle.current().pid());
        try {
            Files.createDirectories(mine);
        } catch (java.io.IOException e) {
            compile(source, classes);
            return classes;
        }
        try {
            compile(source, mine);
        } catch (Failure f) {
            delete(mine);
            throw f;
        }
        try {
            Files.move(mine, cached, StandardCopyOption.ATOMIC_MOVE);
            return cached;
        } catch (java.io.IOException | RuntimeException e) {
            return mine;
        }
    }

    private static void delete(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | RuntimeException e) {
            // a leftover directory under the cache is harmless
        }
    }

    private static void compile(Path source, Path classes) throws Failure {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new Failure("toolchain", "NoCompiler", "this Java runtime has no compiler (a JRE, not a JDK)",
                    List.of());
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter out = new StringWriter();
        boolean ok;
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"),
                    "-proc:none", "-encoding", "UTF-8", "-g", "-parameters", "-Xlint:none", "-nowarn");
            ok = javac.getTask(out, files, diagnostics, options, null, files.getJavaFileObjects(source.toFile())).call();
        } catch (java.io.IOException | RuntimeException e) {
            throw new Failure("compile", e.getClass().getName(), String.valueOf(e.getMessage()), List.of());
        }
        if (!ok) {
            List<String> lines = new ArrayList<>();
            int errors = 0;
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() != Diagnostic.Kind.ERROR) {
                    continue;
                }
                errors++;
                String file = d.getSource() == null ? "" : new File(d.getSource().getName()).getName();
                lines.add(file + ":" + d.getLineNumber() + ": error: " + d.getMessage(Locale.ROOT));
            }
            if (!out.toString().isBlank()) {
                lines.addAll(Arrays.asList(out.toString().strip().split("\n")));
            }
            throw new Failure("compile", "CompilationError", errors + (errors == 1 ? " error" : " errors"), lines);
        }
    }

    private static Class<?> load(ClassLoader loader, String className) throws Failure {
        String name = className;
        while (true) {
            try {
                return Class.forName(name, true, loader);
            } catch (ClassNotFoundException e) {
                int dot = name.lastIndexOf('.');
                if (dot < 0) {
                    throw new Failure("runner", "java.lang.ClassNotFoundException", "the source defines no class "
                            + className, List.of());
                }
                name = name.substring(0, dot) + "$" + name.substring(dot + 1);
            } catch (ExceptionInInitializerError e) {
                throw thrown(e.getCause() == null ? e : e.getCause());
            } catch (LinkageError e) {
                throw thrown(e);
            }
        }
    }

    private static JsonNode call(Class<?> type, String name, List<JsonNode> arguments) throws Failure {
        List<Method> candidates = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && !m.isSynthetic() && !m.isBridge()) {
                    candidates.add(m);
                }
            }
        }
        if (candidates.isEmpty()) {
            throw new Failure("runner", "java.lang.NoSuchMethodException", type.getName() + " has no method named " + name,
                    List.of());
        }
        List<String> mismatches = new ArrayList<>();
        for (Method m : candidates) {
            if (m.getParameterCount() != arguments.size()) {
                mismatches.add(signature(m) + " takes " + m.getParameterCount() + " arguments, not " + arguments.size());
                continue;
            }
            Object[] values = new Object[arguments.size()];
            try {
                for (int i = 0; i < values.length; i++) {
                    JavaType target = JSON.getTypeFactory().constructType(m.getGenericParameterTypes()[i]);
                    values[i] = JSON.treeToValue(arguments.get(i), target);
                    if (values[i] == null && m.getParameterTypes()[i].isPrimitive()) {
                        throw new IllegalArgumentException("null for the primitive parameter " + (i + 1));
                    }
                }
            } catch (Exception e) {
                mismatches.add(signature(m) + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                continue;
            }
            return invoke(type, m, values);
        }
        throw new Failure("runner", "java.lang.IllegalArgumentException", "the arguments " + arguments + " fit no method "
                + name + " of " + type.getName(), mismatches);
    }

    private static JsonNode invoke(Class<?> type, Method method, Object[] values) throws Failure {
        Object target = null;
        Object value;
        try {
            method.setAccessible(true);
            if (!Modifier.isStatic(method.getModifiers())) {
                Constructor<?> constructor;
                try {
                    constructor = type.getDeclaredConstructor();
                } catch (NoSuchMethodException e) {
                    throw new Failure("runner", "java.lang.NoSuchMethodException", signature(method) + " is an instance"
                            + " method and " + type.getName() + " has no constructor without arguments", List.of());
                }
                constructor.setAccessible(true);
                target = constructor.newInstance();
            }
            value = method.invoke(target, values);
        } catch (InvocationTargetException e) {
            throw thrown(e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new Failure("runner", e.getClass().getName(), String.valueOf(e.getMessage()), List.of());
        }
        try {
            return JSON.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new Failure("runner", "java.lang.IllegalArgumentException", "the return value of " + signature(method)
                    + " is not JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), List.of());
        }
    }

    /** The function's own exception, its stack without the runner's and reflection's frames. */
    private static Failure thrown(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        int keep = frames.length;
        for (int i = 0; i < frames.length; i++) {
            String c = frames[i].getClassName();
            if (c.startsWith("jdk.internal.reflect.") || c.equals("java.lang.reflect.Method")
                    || c.equals(SjFunction.class.getName())) {
                keep = i;
                break;
            }
        }
        t.setStackTrace(Arrays.copyOf(frames, keep));
        StringWriter trace = new StringWriter();
        t.printStackTrace(new java.io.PrintWriter(trace));
        return new Failure("call", t.getClass().getName(), t.getMessage() == null ? "" : t.getMessage(),
                trace.toString().lines().toList());
    }

    private static String signature(Method m) {
        StringBuilder s = new StringBuilder(m.getName()).append('(');
        for (int i = 0; i < m.getParameterCount(); i++) {
            s.append(i == 0 ? "" : ", ").append(m.getGenericParameterTypes()[i].getTypeName());
        }
        return s.append(')').toString();
    }
}
