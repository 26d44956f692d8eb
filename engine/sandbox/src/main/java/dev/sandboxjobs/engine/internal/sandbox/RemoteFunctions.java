package dev.sandboxjobs.engine.internal.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.FunctionResult;
import dev.sandboxjobs.engine.RemoteFunction;
import dev.sandboxjobs.engine.RemoteFunctionException;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remote functions: the request (source, name, JSON arguments) goes into a private directory of
 * the sandbox, the {@code sj_function.py} runner (or for Java {@code sj_function.java}, see
 * {@link JavaFunctions}) executes it as an argv in the session's directory with the sandbox's, the
 * session's and the function's variables, and writes the JSON result to a file there; what the
 * function prints stays its output. The directory is removed afterwards (Java's classes with it).
 */
final class RemoteFunctions {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteFunctions.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_RESULT_BYTES = 64L << 20;

    private RemoteFunctions() {}

    static FunctionResult call(SandboxRuntime sandbox, SessionState session, RemoteFunction function, List<Object> args) {
        if (function == null) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The function to call is null.");
        }
        SandboxRuntime.validateEnv(function.env());
        byte[] request = request(function, args);
        boolean java = function.language() == RemoteFunction.Language.JAVA;
        List<String> argv = new ArrayList<>(java ? JavaFunctions.command(sandbox)
                : List.of("python3", SandboxHelpers.install(sandbox, "sj_function.py")));
        String dir = "/tmp/.sandbox-jobs-fn-" + UUID.randomUUID();
        long started = System.nanoTime();
        try {
            sandbox.call(() -> {
                ExecOutput made = sandbox.runInternal(List.of("mkdir", "-m", "0700", "-p", dir), 4096);
                if (made.exitCode() != 0) {
                    throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Cannot create " + dir + " in sandbox " + sandbox.id
                            + ": " + made.stderrText());
                }
                SandboxHelpers.put(sandbox, dir, "request.json", request);
                return null;
            });
            argv.addAll(List.of(dir + "/request.json", dir + "/result.json"));
            ExecResult run = session.execArgv(argv, ExecOptions.builder().env(function.env()).timeout(function.timeout())
                    .build());
            ExecOutput result = sandbox.call(() -> sandbox.runInternal(List.of("cat", dir + "/result.json"), MAX_RESULT_BYTES));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (result.exitCode() != 0) {
                if (java && JavaFunctions.missingJdk(run)) {
                    throw JavaFunctions.noJdk(function.displayName(), sandbox.image);
                }
                String why = run.exitCode() == 127 && !java ? "the image has no python3" : "exit code " + run.exitCode();
                throw new SandboxException(ErrorCode.FUNCTION_FAILED, "The function " + function.displayName() + " ended"
                        + " without a result (" + why + "): " + tail(run.stderr()));
            }
            return result(function, result.stdout(), run, took, sandbox.image);
        } finally {
            try {
                sandbox.call(() -> sandbox.runInternal(List.of("rm", "-rf", dir), 4096));
            } catch (RuntimeException e) {
                LOG.debug("Could not remove {} in sandbox {}", dir, sandbox.id, e);
            }
        }
    }

    private static byte[] request(RemoteFunction function, List<Object> args) {
        ObjectNode request = JSON.createObjectNode();
        request.put("source", function.source()).put("name", function.name()).put("filename", function.filename());
        if (function.className() != null) {
            request.put("className", function.className());
        }
        try {
            request.set("args", JSON.valueToTree(args == null ? List.of() : new ArrayList<>(args)));
            return JSON.writeValueAsBytes(request);
        } catch (IllegalArgumentException | IOException e) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The arguments of " + function.displayName()
                    + " cannot be sent as JSON: " + e.getMessage(), e);
        }
    }

    private static FunctionResult result(RemoteFunction function, byte[] bytes, ExecResult run, Duration took,
            String image) {
        JsonNode outcome;
        try {
            outcome = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new SandboxException(ErrorCode.FUNCTION_FAILED, "The function " + function.displayName()
                    + " left a result that is not JSON: " + e.getMessage(), e);
        }
        if (outcome.path("ok").asBoolean(false)) {
            return new FunctionResult(outcome.get("value") == null ? JSON.nullNode() : outcome.get("value"), run.stdout(),
                    run.stderr(), took);
        }
        JsonNode error = outcome.path("error");
        List<String> traceback = new ArrayList<>();
        error.path("traceback").forEach(line -> traceback.add(line.asText()));
        switch (error.path("phase").asText("call")) {
            case "toolchain" -> throw JavaFunctions.noJdk(function.displayName(), image);
            case "compile" -> throw new SandboxException(ErrorCode.FUNCTION_FAILED, "The source of the function "
                    + function.displayName() + " (" + function.filename() + ") does not compile: "
                    + error.path("message").asText() + (traceback.isEmpty() ? "" : "\n" + String.join("\n", traceback)));
            case "runner" -> throw new SandboxException(ErrorCode.FUNCTION_FAILED, "The function " + function.displayName()
                    + " cannot be called: " + error.path("type").asText() + ": " + error.path("message").asText()
                    + (traceback.isEmpty() ? "" : "\n" + String.join("\n", traceback)));
            default -> throw new RemoteFunctionException(function.displayName(), error.path("type").asText(),
                    error.path("message").asText(), traceback);
        }
    }

    private static String tail(String text) {
        String t = text == null ? "" : text.strip();
        return t.length() > 2000 ? "..." + t.substring(t.length() - 2000) : t;
    }
}
