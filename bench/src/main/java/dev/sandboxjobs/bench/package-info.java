/**
 * The benchmarks: {@link dev.sandboxjobs.bench.Main} measures this library and its peers (the docker
 * CLI, Testcontainers, JobRunr…) in the same run, area by area (cold start, exec, files, jobs,
 * pipeline, network…), writes {@code bench/results/latest.json} and regenerates {@code BENCHMARKS.md}.
 * Not a library: nothing here is API.
 *
 * <pre>{@code
 * // ./bench/run --quick, or from code:
 * boolean allMeasured = Main.run("--quick", "--only=cold,exec", "--results=/tmp/bench", "--markdown=/tmp/bench/B.md");
 * }</pre>
 */
package dev.sandboxjobs.bench;
