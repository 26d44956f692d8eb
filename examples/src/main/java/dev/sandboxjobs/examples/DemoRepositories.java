package dev.sandboxjobs.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Small local git repositories for the batch and nightly examples: Node.js projects with no
 * dependencies, tested with {@code node --test}, so that the testing pipeline runs them offline.
 *
 * <pre>{@code
 * List<Path> repos = DemoRepositories.create(dir);   // calculator (3 pass), strings (2 pass), broken (1 of 3 fails)
 * }</pre>
 */
public final class DemoRepositories {
    /** The names of the repositories {@link #create} makes, in order; {@value #FAILING} has a failing test. */
    public static final List<String> NAMES = List.of("calculator", "strings", "broken");
    /** The repository whose suite fails (2 passed, 1 failed). */
    public static final String FAILING = "broken";

    private static final Map<String, String> GIT_IDENTITY = Map.of(
            "GIT_AUTHOR_NAME", "Sandbox Jobs", "GIT_AUTHOR_EMAIL", "examples@sandboxjobs.dev",
            "GIT_COMMITTER_NAME", "Sandbox Jobs", "GIT_COMMITTER_EMAIL", "examples@sandboxjobs.dev");

    private DemoRepositories() {}

    /** Creates the three repositories as {@code dir/<name>} (each a git repository on branch main); returns their paths. */
    public static List<Path> create(Path dir) {
        List<Path> repos = new ArrayList<>();
        for (String name : NAMES) {
            repos.add(create(dir.resolve(name), name));
        }
        return repos;
    }

    /** Creates the repository {@code name} (one of {@link #NAMES}) in {@code target}, unless it is already there. */
    public static Path create(Path target, String name) {
        if (Files.isDirectory(target.resolve(".git"))) {
            return target;
        }
        String tests = switch (name) {
            case "calculator" -> """
                    test('adds', () => assert.strictEqual(1 + 2, 3));
                    test('multiplies', () => assert.strictEqual(4 * 2.5, 10));
                    test('divides', () => assert.strictEqual(9 / 3, 3));
                    """;
            case "strings" -> """
                    test('upper-cases', () => assert.strictEqual('abc'.toUpperCase(), 'ABC'));
                    test('pads', () => assert.strictEqual('7'.padStart(3, '0'), '007'));
                    """;
            case "broken" -> """
                    test('concatenates', () => assert.strictEqual('a' + 'b', 'ab'));
                    test('sorts numbers', () => assert.deepStrictEqual([10, 9, 1].sort(), [1, 9, 10]));
                    test('reverses', () => assert.deepStrictEqual([1, 2].reverse(), [2, 1]));
                    """;
            default -> throw new IllegalArgumentException("no demo repository named " + name + "; pick one of " + NAMES);
        };
        try {
            Files.createDirectories(target.resolve("test"));
            Files.writeString(target.resolve("package.json"), """
                    {
                      "name": "%s",
                      "version": "1.0.0",
                      "private": true,
                      "scripts": { "test": "node --test" }
                    }
                    """.formatted(name), StandardCharsets.UTF_8);
            Files.writeString(target.resolve("test/" + name + ".test.js"),
                    "'use strict';\nconst { test } = require('node:test');\nconst assert = require('node:assert');\n\n"
                            + tests, StandardCharsets.UTF_8);
            git(target, "init", "--quiet", "--initial-branch=main");
            git(target, "add", "-A");
            git(target, "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", "The " + name + " example");
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the demo repository " + target + ": " + e.getMessage(), e);
        }
    }

    private static void git(Path dir, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(GIT_IDENTITY);
        Process p = pb.start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("git " + String.join(" ", args) + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running git", e);
        }
    }
}
