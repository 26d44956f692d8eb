package dev.sandboxjobs.jobs.pipeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A hand-written fake: an in-memory file tree and scripted command results. Every exec is
 * recorded with its argv, env and secret env so tests can assert what was (not) passed.
 */
final class FakeSandbox implements PipelineSandbox {

    record Call(List<String> argv, ExecSpec spec) {
    }

    final List<Call> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    final TreeMap<String, byte[]> files = new TreeMap<>();
    final List<Path> copied = new ArrayList<>();
    private final List<Map.Entry<Function<List<String>, Boolean>, Function<Call, CommandResult>>> rules = new ArrayList<>();

    /** Commands whose argv starts with {@code prefix} get {@code result}; later rules win. */
    FakeSandbox on(List<String> prefix, CommandResult result) {
        return on(prefix, call -> result);
    }

    FakeSandbox on(List<String> prefix, Function<Call, CommandResult> result) {
        rules.add(0, Map.entry(argv -> argv.size() >= prefix.size() && argv.subList(0, prefix.size()).equals(prefix),
                result));
        return this;
    }

    FakeSandbox file(String path, String content) {
        files.put(path, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout, "", false);
    }

    static CommandResult exit(int code, String stderr) {
        return new CommandResult(code, "", stderr, false);
    }

    @Override
    public CommandResult exec(List<String> argv, ExecSpec spec) {
        // the test step's command comes inside a fixed script that empties the reports directory first (its
        // parameters are data, never shell text): recorded and matched as the command itself
        List<String> command = argv.size() > 5 && argv.get(2).equals(TestStep.FRESH_REPORTS) ? argv.subList(5, argv.size())
                : argv;
        Call call = new Call(List.copyOf(command), spec);
        calls.add(call);
        for (var rule : rules) {
            if (rule.getKey().apply(command)) {
                return rule.getValue().apply(call);
            }
        }
        return ok("");
    }

    @Override
    public Optional<byte[]> readFile(String path, int maxBytes) {
        return Optional.ofNullable(files.get(path));
    }

    @Override
    public void writeFile(String path, byte[] content) {
        files.put(path, content.clone());
    }

    @Override
    public List<String> listFiles(String dir, int maxDepth) {
        String prefix = dir.endsWith("/") ? dir : dir + "/";
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (String path : files.keySet()) {
            if (!path.startsWith(prefix)) {
                continue;
            }
            String[] parts = path.substring(prefix.length()).split("/");
            StringBuilder rel = new StringBuilder();
            for (int i = 0; i < parts.length && i < maxDepth; i++) {
                rel.append(parts[i]);
                boolean isDir = i < parts.length - 1;
                out.put(rel + (isDir ? "/" : ""), true);
                rel.append('/');
            }
        }
        return new ArrayList<>(out.keySet());
    }

    @Override
    public void copyIn(Path source, String target) {
        copied.add(source);
    }

    List<List<String>> argvs() {
        return calls.stream().map(Call::argv).toList();
    }
}
