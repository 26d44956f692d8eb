/**
 * The code interpreter: run Python and JavaScript in persistent contexts inside a sandbox and get
 * rich results (text, HTML, PNG, JPEG, SVG, LaTeX, Markdown, JSON, chart data), logs, errors and
 * an execution counter. The entry points are the {@code Sandbox} methods {@code createCodeContext},
 * {@code runCode}, {@code listCodeContexts} and {@code deleteCodeContext}.
 */
package dev.sandboxjobs.engine.interpreter;
