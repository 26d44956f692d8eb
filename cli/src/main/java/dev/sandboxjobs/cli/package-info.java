/**
 * The {@code sandbox-jobs} command line (picocli): {@code setup}, {@code doctor}, {@code demo},
 * {@code test}, and for jobs {@code submit}, {@code runs}, {@code schedule}, {@code sandboxes},
 * {@code worker}. It uses the other modules' public API only; {@link dev.sandboxjobs.cli.Main#execute}
 * runs it in-process.
 *
 * <pre>{@code
 * int exit = Main.execute(new PrintWriter(System.out), new PrintWriter(System.err), "runs", "list", "--json");
 * }</pre>
 */
package dev.sandboxjobs.cli;
