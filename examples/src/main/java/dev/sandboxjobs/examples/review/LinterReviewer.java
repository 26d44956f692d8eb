package dev.sandboxjobs.examples.review;

import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.ExecResult;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.examples.review.ReviewComment.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default reviewer: the linters the sandbox has, run on each changed file, plus a few
 * built-in checks on the lines the pull request added.
 *
 * <table>
 * <caption>checks</caption>
 * <tr><th>files</th><th>check</th></tr>
 * <tr><td>{@code *.py}</td><td>{@code compile()} in {@code python3} (syntax errors); {@code pyflakes} when installed</td></tr>
 * <tr><td>{@code *.sh}, {@code *.bash}, shell shebang</td><td>{@code bash -n}; {@code shellcheck} when installed</td></tr>
 * <tr><td>{@code *.js}, {@code *.mjs}, {@code *.cjs}</td><td>{@code node --check}</td></tr>
 * <tr><td>{@code *.json}</td><td>Python's {@code json} parser</td></tr>
 * <tr><td>added lines</td><td>trailing whitespace, {@code TODO}/{@code FIXME}, lines over
 *     {@value #MAX_LINE} characters, merge conflict markers</td></tr>
 * <tr><td>any file</td><td>larger than {@value #LARGE_FILE} bytes</td></tr>
 * </table>
 *
 * <p>Linters see whole files, so a syntax error anywhere in a changed file is reported; the
 * built-in checks look at added lines only, so old problems of a file are not the pull
 * request's. Every command is an argv (no shell), run in the clone with a timeout.
 */
public final class LinterReviewer implements Reviewer {
    /** Longest line the built-in check accepts. */
    public static final int MAX_LINE = 120;
    /** Files larger than this many bytes get a comment. */
    public static final long LARGE_FILE = 512 * 1024;

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    // prints "<line>\t<message>" for the first syntax error of a Python or JSON file
    private static final String PY_CHECK = String.join("\n",
            "import json, sys",
            "mode, path = sys.argv[1], sys.argv[2]",
            "data = open(path, 'rb').read()",
            "try:",
            "    if mode == 'json':",
            "        json.loads(data)",
            "    else:",
            "        compile(data, path, 'exec', dont_inherit=True)",
            "except SyntaxError as e:",
            "    print(f'{e.lineno or 1}\\t{type(e).__name__}: {e.msg}')",
            "    sys.exit(1)",
            "except ValueError as e:",
            "    print(f\"{getattr(e, 'lineno', 1)}\\tinvalid JSON: {getattr(e, 'msg', e)}\")",
            "    sys.exit(1)");
    private static final String TOOLS = "for t in python3 node bash shellcheck; do command -v $t >/dev/null && echo $t; done;"
            + " python3 -c 'import pyflakes' 2>/dev/null && echo pyflakes; true";
    private static final Pattern BASH_ERROR = Pattern.compile("line (\\d{1,9}): (.*)");
    private static final Pattern GCC_STYLE = Pattern.compile("^[^:]+:(\\d{1,9}):(?:\\d+:)?\\s*(?:(error|warning|note|info|style):\\s*)?(.*)$");
    private static final Pattern NODE_LOCATION = Pattern.compile(":(\\d{1,9})$");
    private static final Pattern TODO = Pattern.compile("\\b(TODO|FIXME|XXX)\\b.*");

    @Override
    public List<ReviewComment> review(Sandbox sandbox, ChangeSet changes) {
        Set<String> tools = Set.copyOf(exec(sandbox, changes, List.of("sh", "-c", TOOLS)).stdout().lines().toList());
        List<ReviewComment> comments = new ArrayList<>();
        for (ChangeSet.ChangedFile file : changes.files()) {
            if (file.deleted()) {
                continue;
            }
            if (file.size() > LARGE_FILE) {
                comments.add(new ReviewComment(file.path(), 0, Severity.WARNING, "[size] large file ("
                        + file.size() / 1024 + " KiB): keep generated files and binaries out of the repository"));
            }
            if (file.content() == null) {
                continue;
            }
            lint(sandbox, changes, file, tools, comments);
            addedLineChecks(file, comments);
        }
        return comments;
    }

    private void lint(Sandbox sandbox, ChangeSet changes, ChangeSet.ChangedFile file, Set<String> tools,
            List<ReviewComment> comments) {
        String path = file.path();
        String relative = "./" + path; // never read as an option
        String name = path.toLowerCase(Locale.ROOT);
        if (name.endsWith(".py") && tools.contains("python3")) {
            pythonCheck(sandbox, changes, file, "python", comments);
            if (tools.contains("pyflakes")) {
                gccStyle(path, "pyflakes", exec(sandbox, changes, List.of("python3", "-m", "pyflakes", relative)).stdout(),
                        Severity.WARNING, comments);
            }
        } else if (name.endsWith(".json") && tools.contains("python3")) {
            pythonCheck(sandbox, changes, file, "json", comments);
        } else if ((name.endsWith(".js") || name.endsWith(".mjs") || name.endsWith(".cjs")) && tools.contains("node")) {
            ExecResult r = exec(sandbox, changes, List.of("node", "--check", relative));
            if (r.exitCode() != 0) {
                comments.add(nodeComment(path, r.stderr()));
            }
        } else if (isShell(file) && tools.contains("bash")) {
            ExecResult r = exec(sandbox, changes, List.of("bash", "-n", relative));
            for (String line : r.stderr().lines().toList()) {
                Matcher m = BASH_ERROR.matcher(line);
                if (m.find() && !m.group(2).startsWith("`")) { // bash echoes the bad line after its message
                    comments.add(new ReviewComment(path, Integer.parseInt(m.group(1)), Severity.ERROR,
                            "[bash -n] " + m.group(2).strip()));
                }
            }
            if (tools.contains("shellcheck")) {
                gccStyle(path, "shellcheck", exec(sandbox, changes, List.of("shellcheck", "-f", "gcc", relative)).stdout(),
                        Severity.WARNING, comments);
            }
        }
    }

    private void pythonCheck(Sandbox sandbox, ChangeSet changes, ChangeSet.ChangedFile file, String mode,
            List<ReviewComment> comments) {
        ExecResult r = exec(sandbox, changes, List.of("python3", "-c", PY_CHECK, mode, "./" + file.path()));
        if (r.exitCode() == 0) {
            return;
        }
        String first = r.stdout().lines().findFirst().orElse("");
        int tab = first.indexOf('\t');
        if (tab > 0 && first.substring(0, tab).chars().allMatch(Character::isDigit)) {
            comments.add(new ReviewComment(file.path(), Integer.parseInt(first.substring(0, tab)), Severity.ERROR,
                    "[" + mode + "] " + first.substring(tab + 1)));
        } else {
            comments.add(new ReviewComment(file.path(), 0, Severity.ERROR, "[" + mode + "] could not be checked: "
                    + lastLine(r.stderr())));
        }
    }

    /** {@code node --check} prints {@code /path/file.js:3}, the line, a caret, then {@code SyntaxError: …}. */
    static ReviewComment nodeComment(String path, String stderr) {
        int line = 0;
        String message = lastLine(stderr);
        for (String l : stderr.lines().toList()) {
            Matcher m = NODE_LOCATION.matcher(l.strip());
            if (line == 0 && m.find() && l.contains("/")) {
                line = Integer.parseInt(m.group(1));
            }
            if (l.startsWith("SyntaxError") || l.contains("Error: ")) {
                message = l.strip();
                break;
            }
        }
        return new ReviewComment(path, line, Severity.ERROR, "[node --check] " + message);
    }

    private static void gccStyle(String path, String tool, String output, Severity severity, List<ReviewComment> comments) {
        for (String line : output.lines().toList()) {
            Matcher m = GCC_STYLE.matcher(line);
            if (m.matches()) {
                Severity s = "error".equals(m.group(2)) ? Severity.ERROR : severity;
                comments.add(new ReviewComment(path, Integer.parseInt(m.group(1)), s, "[" + tool + "] " + m.group(3).strip()));
            }
        }
    }

    private static void addedLineChecks(ChangeSet.ChangedFile file, List<ReviewComment> comments) {
        List<String> lines = file.content().lines().toList();
        for (int n = 1; n <= lines.size(); n++) {
            if (!file.addedLines().contains(n)) {
                continue;
            }
            String line = lines.get(n - 1);
            if (line.startsWith("<<<<<<< ") || line.startsWith(">>>>>>> ") || line.equals("=======")) {
                comments.add(new ReviewComment(file.path(), n, Severity.ERROR, "[conflict] merge conflict marker"));
            }
            if (!line.isEmpty() && Character.isWhitespace(line.charAt(line.length() - 1))) {
                comments.add(new ReviewComment(file.path(), n, Severity.INFO, "[whitespace] trailing whitespace"));
            }
            if (line.length() > MAX_LINE) {
                comments.add(new ReviewComment(file.path(), n, Severity.WARNING, "[length] line is " + line.length()
                        + " characters long (limit " + MAX_LINE + ")"));
            }
            Matcher todo = TODO.matcher(line);
            if (todo.find()) {
                comments.add(new ReviewComment(file.path(), n, Severity.INFO, "[todo] left in the change: "
                        + todo.group().strip()));
            }
        }
    }

    private static boolean isShell(ChangeSet.ChangedFile file) {
        String name = file.path().toLowerCase(Locale.ROOT);
        if (name.endsWith(".sh") || name.endsWith(".bash")) {
            return true;
        }
        String first = file.content().lines().findFirst().orElse("");
        return first.startsWith("#!") && (first.contains("bash") || first.matches("#!\\s*/bin/sh\\b.*")
                || first.contains("env sh"));
    }

    private static ExecResult exec(Sandbox sandbox, ChangeSet changes, List<String> argv) {
        return sandbox.exec(argv, ExecOptions.builder().cwd(changes.repoDir()).timeout(TIMEOUT).build());
    }

    private static String lastLine(String text) {
        return text.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("").strip();
    }
}
