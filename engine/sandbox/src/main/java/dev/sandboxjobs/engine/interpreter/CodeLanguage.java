package dev.sandboxjobs.engine.interpreter;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.util.Locale;

/** A language the code interpreter runs. {@link #id()} is the seed's name ({@code "python"}). */
public enum CodeLanguage {
    /** Python 3 through IPython: rich outputs, Matplotlib figures as PNG, pandas tables as HTML. */
    PYTHON("python"),
    /** JavaScript in a Node {@code vm} context: console output, values as text and JSON. */
    JAVASCRIPT("javascript"),
    /**
     * TypeScript in a Node {@code vm} context: each cell's types are removed by the TypeScript
     * compiler baked into the runtime image ({@code transpileModule}: types are not checked), then
     * it runs as JavaScript does, with the same outputs.
     */
    TYPESCRIPT("typescript");

    private final String id;

    CodeLanguage(String id) {
        this.id = id;
    }

    /** The lower-case name used by the seed API and in context listings. */
    public String id() {
        return id;
    }

    /**
     * Parses {@code "python"} (or {@code "py"}), {@code "javascript"} (or {@code "js"}),
     * {@code "typescript"} (or {@code "ts"}), case-insensitively.
     */
    public static CodeLanguage of(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (CodeLanguage language : values()) {
            if (language.id.equals(wanted)) {
                return language;
            }
        }
        switch (wanted) {
            case "js":
                return JAVASCRIPT;
            case "ts":
                return TYPESCRIPT;
            case "py":
                return PYTHON;
            default:
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT,
                        "Unknown code language '" + name + "': use python, javascript or typescript.");
        }
    }
}
