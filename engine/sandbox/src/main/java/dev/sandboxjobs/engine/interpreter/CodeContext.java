package dev.sandboxjobs.engine.interpreter;

import java.time.Instant;
import java.util.Objects;

/**
 * A code context: one interpreter whose state (variables, imports, functions) persists between
 * {@code runCode} calls and is isolated from every other context.
 *
 * <pre>{@code
 * CodeContext ctx = sandbox.createCodeContext(CreateContextOptions.of(CodeLanguage.PYTHON));
 * sandbox.runCode("import math; radius = 5", RunCodeOptions.in(ctx));
 * Execution result = sandbox.runCode("math.pi * radius ** 2", RunCodeOptions.in(ctx));
 * result.results().get(0).text(); // "78.53981633974483"
 * }</pre>
 *
 * @param id unique within the sandbox
 * @param language the interpreter's language
 * @param cwd the working directory code starts in
 * @param createdAt when the context was created
 * @param lastUsed when code last ran in it (its creation time until then), as of the call that
 *     returned this value: {@code listCodeContexts()} gives the current one
 */
public record CodeContext(String id, CodeLanguage language, String cwd, Instant createdAt, Instant lastUsed) {
    public CodeContext {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(cwd, "cwd");
        Objects.requireNonNull(createdAt, "createdAt");
        lastUsed = lastUsed == null ? createdAt : lastUsed;
    }

    /** A context never used yet: {@code lastUsed} is {@code createdAt}. */
    public CodeContext(String id, CodeLanguage language, String cwd, Instant createdAt) {
        this(id, language, cwd, createdAt, createdAt);
    }

    /** This context as last used at {@code when}. */
    public CodeContext usedAt(Instant when) {
        return new CodeContext(id, language, cwd, createdAt, when);
    }
}
