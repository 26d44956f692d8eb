package dev.sandboxjobs.jobs.results.internal;

import dev.sandboxjobs.jobs.results.TestCase;
import dev.sandboxjobs.jobs.results.TestStatus;
import dev.sandboxjobs.jobs.results.TestSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cargo test}'s libtest text output: {@code test path ... ok|FAILED|ignored} lines,
 * the {@code ---- name stdout ----} sections for failure details, {@code Running …} lines
 * (cargo's stderr) for the suite, and {@code finished in Ns} for durations.
 */
public final class CargoTestParser {

    private static final Pattern RESULT = Pattern.compile("^test (.+?) \\.\\.\\. (ok|FAILED|ignored|bench)(?:,? (.*))?$");
    private static final Pattern RUNNING = Pattern.compile("^\\s*(?:Running|Doc-tests)\\s+(.+?)(?:\\s+\\(.*\\))?$");
    private static final Pattern SECTION = Pattern.compile("^---- (.+?) stdout ----$");
    private static final Pattern FINISHED = Pattern.compile("finished in ([0-9.]+)s");
    private static final Pattern COMPILE_ERROR = Pattern.compile("^error(\\[E\\d+])?: (.*)$");

    /** Whether {@code output} looks like libtest output. */
    public static boolean looksLikeCargo(String output) {
        return Pattern.compile("(?m)^test result: ").matcher(output).find()
                || Pattern.compile("(?m)^test .+ \\.\\.\\. (ok|FAILED|ignored)").matcher(output).find();
    }

    private record Pending(String suite, String name, TestStatus status, String message) {
    }

    public TestSummary parse(String output) {
        String[] lines = output.split("\r?\n");
        List<Pending> results = new ArrayList<>();
        Map<String, StringBuilder> sections = new HashMap<>();
        String suite = "";
        StringBuilder section = null;
        double seconds = 0;
        List<String> compileErrors = new ArrayList<>();
        for (String line : lines) {
            Matcher m;
            if ((m = SECTION.matcher(line)).matches()) {
                section = sections.computeIfAbsent(m.group(1), k -> new StringBuilder());
                continue;
            }
            if (section != null) {
                if (line.equals("failures:") || line.startsWith("test result: ") || line.startsWith("---- ")) {
                    section = null;
                } else {
                    if (section.length() < TestCase.MAX_DETAILS) {
                        section.append(line).append('\n');
                    }
                    continue;
                }
            }
            if ((m = RUNNING.matcher(line)).matches()) {
                suite = m.group(1).trim();
            } else if ((m = RESULT.matcher(line)).matches()) {
                TestStatus status = switch (m.group(2)) {
                    case "ok", "bench" -> TestStatus.PASSED;
                    case "ignored" -> TestStatus.SKIPPED;
                    default -> TestStatus.FAILED;
                };
                results.add(new Pending(suite, m.group(1), status, m.group(3) == null ? "" : m.group(3)));
            } else if ((m = FINISHED.matcher(line)).find()) {
                try {
                    seconds += Double.parseDouble(m.group(1));
                } catch (NumberFormatException ignored) {
                    // keep the sum of what parsed
                }
            } else if ((m = COMPILE_ERROR.matcher(line)).matches() && compileErrors.size() < 20) {
                compileErrors.add(m.group(2));
            }
        }
        List<TestCase> cases = new ArrayList<>();
        for (Pending p : results) {
            if (p.status != TestStatus.FAILED) {
                cases.add(new TestCase(p.suite, p.name, p.status, Duration.ZERO, p.message, ""));
                continue;
            }
            String details = sections.containsKey(p.name) ? sections.get(p.name).toString().strip() : "";
            cases.add(new TestCase(p.suite, p.name, TestStatus.FAILED, Duration.ZERO, panicMessage(details), details));
        }
        List<String> warnings = new ArrayList<>();
        if (results.isEmpty() && !compileErrors.isEmpty()) {
            cases.add(new TestCase("", "(build)", TestStatus.ERRORED, Duration.ZERO, compileErrors.get(0),
                    String.join("\n", compileErrors)));
        } else if (results.isEmpty()) {
            warnings.add("no cargo test results found in the output");
        }
        return TestSummary.of("cargo-test", cases, Duration.ofNanos((long) (seconds * 1e9)), warnings);
    }

    private static String panicMessage(String details) {
        String[] lines = details.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            int at = l.indexOf("panicked at ");
            if (at >= 0) {
                String rest = l.substring(at + "panicked at ".length());
                // Rust >= 1.73: "panicked at src/lib.rs:10:9:" then the message on the next lines
                if (rest.endsWith(":") && i + 1 < lines.length) {
                    StringBuilder msg = new StringBuilder(lines[i + 1].strip());
                    for (int j = i + 2; j < lines.length && j < i + 4 && !lines[j].startsWith("note:")
                            && !lines[j].isBlank(); j++) {
                        msg.append('\n').append(lines[j].strip());
                    }
                    return msg.toString();
                }
                // Rust < 1.73: "panicked at 'message', src/lib.rs:10:9" possibly over several lines
                StringBuilder msg = new StringBuilder(rest);
                for (int j = i + 1; j < lines.length && !lines[j].startsWith("note:") && !lines[j].isBlank(); j++) {
                    msg.append('\n').append(lines[j].strip());
                }
                return msg.toString();
            }
        }
        return details.lines().filter(s -> !s.isBlank()).findFirst().orElse("FAILED");
    }
}
