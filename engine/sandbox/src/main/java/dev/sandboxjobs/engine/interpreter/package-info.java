/**
 * The code interpreter: run Python and JavaScript in persistent contexts inside a sandbox and get
 * rich results (text, HTML, PNG, JPEG, SVG, LaTeX, Markdown, JSON, chart data), logs, errors and
 * an execution counter. The entry points are the {@code Sandbox} methods {@code createCodeContext},
 * {@code runCode}, {@code listCodeContexts} and {@code deleteCodeContext}.
 *
 * <pre>{@code
 * CodeContext ctx = sandbox.createCodeContext(CreateContextOptions.of(CodeLanguage.PYTHON));
 * sandbox.runCode("import math", RunCodeOptions.in(ctx));
 * Execution run = sandbox.runCode("math.pi * 5 ** 2", RunCodeOptions.in(ctx));
 * System.out.println(run.text());   // 78.53981633974483
 * }</pre>
 */
package dev.sandboxjobs.engine.interpreter;
