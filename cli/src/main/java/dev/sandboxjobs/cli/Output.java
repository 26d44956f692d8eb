package dev.sandboxjobs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.StepRun;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Formatting shared by the jobs commands: durations, times, key=value arguments, JSON. */
final class Output {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private Output() {}

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot print as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String time(Instant t) {
        return t == null ? "-" : TIME.format(t);
    }

    static String duration(Instant from, Instant to) {
        if (from == null) {
            return "-";
        }
        Duration d = Duration.between(from, to != null ? to : Instant.now());
        return seconds(d) + (to == null ? " (running)" : "");
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%d min %d s", ms / 60_000, (ms % 60_000) / 1000);
    }

    /** {@code k=v} arguments (repeatable options) as an ordered map; a missing {@code =} is bad usage. */
    static Map<String, String> pairs(String option, List<String> values) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(option + " takes NAME=VALUE, got \"" + v + "\"");
            }
            map.put(v.substring(0, eq), v.substring(eq + 1));
        }
        return map;
    }

    /** "30s", "2m", "500ms", "1h", or an ISO-8601 duration ("PT30S"). */
    static Duration parseDuration(String option, String text) {
        Duration d = parseAnyDuration(option, text);
        if (d.isNegative()) {
            throw new IllegalArgumentException(option + " cannot be negative, got \"" + text + "\"");
        }
        return d;
    }

    private static Duration parseAnyDuration(String option, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt") || t.startsWith("p")) {
                return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + " takes a duration such as 30s, 2m, 500ms or PT30S, got \""
                    + text + "\"");
        }
    }

    /** "512m", "2g", "1.5g", "64k" or a number of bytes (powers of 1024). */
    static long parseSize(String option, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replaceAll("i?b$", "");
        long unit = 1;
        if (!t.isEmpty() && "kmgt".indexOf(t.charAt(t.length() - 1)) >= 0) {
            unit = 1L << (10 * ("kmgt".indexOf(t.charAt(t.length() - 1)) + 1));
            t = t.substring(0, t.length() - 1);
        }
        try {
            double n = Double.parseDouble(t);
            if (n <= 0 || Double.isNaN(n) || Double.isInfinite(n)) {
                throw new NumberFormatException();
            }
            return (long) (n * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a size such as 512m, 2g or 1073741824 (bytes), got \""
                    + text + "\"");
        }
    }

    /** The one-line summary of a finished (or unfinished) run. */
    static String runLine(Run run) {
        StringBuilder s = new StringBuilder(run.id()).append(' ').append(run.state());
        if (run.startedAt() != null) {
            s.append(" in ").append(duration(run.startedAt(), run.finishedAt()));
        }
        if (run.failure() != null) {
            s.append(": ").append(run.failure().message());
        } else {
            for (StepRun step : run.steps()) {
                if (step.failure() != null) {
                    s.append(": ").append(step.name()).append(": ").append(step.failure().message());
                    break;
                }
            }
        }
        return s.toString();
    }
}
