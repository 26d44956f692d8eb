package dev.sandboxjobs.jobs.results.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Just enough YAML for TAP diagnostics: top-level {@code key: value} pairs, quoted scalars
 * and block scalars ({@code |}, {@code |-}, {@code >}). Nested maps are kept as raw text.
 */
final class MiniYaml {

    private MiniYaml() {
    }

    static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty() || Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (value.startsWith("|") || value.startsWith(">") || value.isEmpty()) {
                boolean folded = value.startsWith(">");
                StringBuilder block = new StringBuilder();
                int j = i + 1;
                for (; j < lines.length; j++) {
                    String l = lines[j];
                    if (!l.isEmpty() && !Character.isWhitespace(l.charAt(0))) {
                        break;
                    }
                    if (block.length() > 0) {
                        block.append(folded ? " " : "\n");
                    }
                    block.append(l.strip());
                }
                i = j - 1;
                out.put(key, block.toString().strip());
            } else {
                out.put(key, unquote(value));
            }
        }
        return out;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
            return v.substring(1, v.length() - 1).replace("''", "'");
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\");
        }
        return v;
    }
}
