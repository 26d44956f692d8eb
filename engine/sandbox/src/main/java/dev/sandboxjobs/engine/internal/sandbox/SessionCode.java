package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.interpreter.CodeContext;
import dev.sandboxjobs.engine.interpreter.CreateContextOptions;
import dev.sandboxjobs.engine.interpreter.Execution;
import dev.sandboxjobs.engine.interpreter.Logs;
import dev.sandboxjobs.engine.interpreter.RunCodeOptions;
import dev.sandboxjobs.engine.interpreter.internal.CodeInterpreter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The code interpreter as one session sees it: contexts start in the session's working directory
 * with its environment, and each session has its own default context per language. Contexts
 * themselves belong to the sandbox (every session lists and can use them).
 */
final class SessionCode {
    private final SandboxRuntime sandbox;

    SessionCode(SandboxRuntime sandbox) {
        this.sandbox = sandbox;
    }

    CodeContext create(SessionState session, CreateContextOptions options) {
        CreateContextOptions o = resolve(session, options == null ? CreateContextOptions.defaults() : options);
        return sandbox.call(() -> sandbox.interpreter().createCodeContext(o));
    }

    Execution run(SessionState session, String code, RunCodeOptions options) {
        if (code == null) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "The code to run is null.");
        }
        RunCodeOptions o = options == null ? RunCodeOptions.defaults() : options;
        String defaultId = defaultContextId(session, o);
        CreateContextOptions defaults = resolve(session, CreateContextOptions.of(o.language()));
        return sandbox.call(() -> {
            try {
                if (o.context() == null) {
                    String reason = sandbox.takeLostDefaultContext(defaultId);
                    if (reason != null) {
                        return withNotice(sandbox.interpreter(), code, o, defaultId, defaults, "[sandbox-jobs] The default "
                                + o.language().id() + " context was started again because " + reason
                                + ": variables and imports from earlier runs are gone.");
                    }
                }
                return sandbox.interpreter().runCode(code, o, defaultId, defaults);
            } catch (SandboxException e) {
                if (e.code() == ErrorCode.CONTEXT_NOT_FOUND && o.context() != null) {
                    throw new SandboxException(ErrorCode.CONTEXT_NOT_FOUND, sandbox.lostContextHint(o.context().id()), e);
                }
                throw e;
            }
        });
    }

    List<CodeContext> list() {
        CodeInterpreter interpreter = sandbox.interpreterIfRunning();
        return interpreter == null ? List.of() : interpreter.listCodeContexts();
    }

    void delete(String contextId) {
        try {
            CodeInterpreter interpreter = sandbox.interpreterIfRunning();
            if (interpreter == null) {
                throw new SandboxException(ErrorCode.CONTEXT_NOT_FOUND, "no interpreter runs");
            }
            interpreter.deleteCodeContext(contextId);
            sandbox.contextDeleted(contextId);
        } catch (SandboxException e) {
            if (e.code() == ErrorCode.CONTEXT_NOT_FOUND) {
                throw new SandboxException(ErrorCode.CONTEXT_NOT_FOUND, sandbox.lostContextHint(contextId), e);
            }
            throw e;
        }
    }

    /** The default session keeps the seed's ids ({@code default-python}); another session's carry its id. */
    static String defaultContextId(SessionState session, RunCodeOptions o) {
        String id = CodeInterpreter.defaultContextId(o.language());
        return Sandboxes.DEFAULT_SESSION.equals(session.id) ? id : session.id + ":" + id;
    }

    /** The options with the session's directory (or a relative one resolved against it) and its variables under theirs. */
    private static CreateContextOptions resolve(SessionState session, CreateContextOptions options) {
        String cwd = options.cwd() == null ? session.cwd() : PosixPaths.resolve(options.cwd(), session.cwd());
        Map<String, String> env = new LinkedHashMap<>(session.env());
        env.putAll(options.envVars());
        SandboxRuntime.validateEnv(env);
        return options.in(cwd, env);
    }

    /** Runs code with a notice line first on stderr (in the callback and in the logs). */
    private static Execution withNotice(CodeInterpreter interpreter, String code, RunCodeOptions o, String defaultId,
                                        CreateContextOptions defaults, String notice) {
        o.onStderr().accept(notice + "\n");
        Execution run = interpreter.runCode(code, o, defaultId, defaults);
        List<String> stderr = new ArrayList<>();
        stderr.add(notice);
        stderr.addAll(run.logs().stderr());
        return new Execution(run.code(), new Logs(run.logs().stdout(), stderr), run.results(), run.error(),
                run.executionCount());
    }
}
