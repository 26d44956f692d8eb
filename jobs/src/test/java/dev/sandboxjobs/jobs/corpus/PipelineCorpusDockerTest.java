package dev.sandboxjobs.jobs.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.jobs.cache.CacheMounts;
import dev.sandboxjobs.jobs.pipeline.ArtifactSink;
import dev.sandboxjobs.jobs.pipeline.PipelineRequest;
import dev.sandboxjobs.jobs.pipeline.TestingPipeline;
import dev.sandboxjobs.jobs.report.PipelineResult;
import dev.sandboxjobs.jobs.results.TestCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus: the pipeline on one real repository per runner ({@link CorpusRepositories}), each made by
 * the test as a git repository with 3 passing, 1 failing and 1 skipped test, run twice (first run, then
 * cached run on the same dependency caches), checked count for count with the failure's name and the
 * runner detected, and with the runner's printed totals agreeing with the parsed counts. Dependencies
 * come from the npm registry and Maven Central. Slow (installs real runners): tagged {@code slow}.
 */
@Tag("slow")
@RequiresDocker
class PipelineCorpusDockerTest {

    static final CacheMounts CACHES = CacheMounts.withPrefix("sandbox-jobs-test-corpus-cache-");
    static final List<String> TABLE = new ArrayList<>();

    @TempDir
    static Path engineDir;
    static SandboxEngine engine;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startTheEngine() {
        engine = SandboxEngine.builder().dataDirectory(engineDir).image(RuntimeImageForTests.fullImage())
                .defaults(SandboxDefaults.builder().memoryBytes(3L << 30).label("dev.sandboxjobs.owner", "jobs-corpus-tests")
                        .build())
                .build();
    }

    @AfterAll
    static void printTheTableAndRemoveTheCaches() throws Exception {
        System.out.println("| repository | kind | runner | first run (pass/fail/skip) | cached run | first | cached |");
        System.out.println("| --- | --- | --- | --- | --- | ---: | ---: |");
        TABLE.forEach(System.out::println);
        if (engine != null) {
            engine.close();
        }
        for (String volume : CACHES.volumeNames()) {
            new ProcessBuilder("docker", "volume", "rm", "-f", volume).redirectErrorStream(true).start()
                    .waitFor(1, TimeUnit.MINUTES);
        }
    }

    @AfterEach
    void noSandboxIsLeftBehind() {
        assertThat(engine.listSandboxes()).as("sandboxes left behind").isEmpty();
    }

    static Stream<CorpusRepositories> corpus() {
        return CorpusRepositories.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void countsMatchTheRunnersOwnOnTheFirstAndTheCachedRun(CorpusRepositories repo) throws Exception {
        Path dir = write(repo);
        PipelineRequest request = PipelineRequest.builder(dir.toString()).caches(CACHES).build();
        SandboxOptions options = SandboxOptions.builder().image(RuntimeImageForTests.fullImage()).build();

        PipelineResult first = new TestingPipeline(request, ArtifactSink.directory(tmp.resolve("first"))).run(engine, options);
        PipelineResult cached = new TestingPipeline(request, ArtifactSink.directory(tmp.resolve("cached"))).run(engine, options);

        TABLE.add("| " + repo.name() + " | " + first.projectType() + " (" + first.tool() + ") | " + first.runner() + " | "
                + counts(first) + " | " + counts(cached) + " | " + seconds(first) + " | " + seconds(cached) + " |");
        for (PipelineResult r : List.of(first, cached)) {
            String why = r.headline() + "\n" + r.steps() + "\n" + r.output() + r.errors();
            assertThat(r.projectType()).as(why).isEqualTo(repo.kind());
            assertThat(r.runner()).as(why).isEqualTo(repo.runner());
            assertThat(r.failure()).as(why).isEmpty();
            assertThat(r.success()).as("a failing test fails the run").isFalse();
            assertThat(r.tests().passed()).as("passed: " + why).isEqualTo(repo.passed());
            assertThat(r.tests().failed() + r.tests().errored()).as("failed: " + why).isEqualTo(repo.failed());
            assertThat(r.tests().skipped()).as("skipped: " + why).isEqualTo(repo.skipped());
            assertThat(r.tests().failures()).extracting(TestCase::name).as(why).containsExactlyElementsOf(repo.failures());
            assertThat(r.tests().countMismatches()).as("the runner's printed totals agree").isEmpty();
        }
    }

    private Path write(CorpusRepositories repo) throws IOException, InterruptedException {
        Path dir = tmp.resolve(repo.name());
        for (Map.Entry<String, String> f : repo.files().entrySet()) {
            Path file = dir.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
        }
        git(dir, "init", "--quiet", "--initial-branch=main");
        git(dir, "add", "-A");
        git(dir, "-c", "user.name=Corpus", "-c", "user.email=corpus@example.com", "commit", "--quiet", "-m", "corpus");
        return dir;
    }

    private static void git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    private static String counts(PipelineResult r) {
        return r.tests().passed() + "/" + (r.tests().failed() + r.tests().errored()) + "/" + r.tests().skipped()
                + (r.tests().printed() == null ? "" : " (printed: " + r.tests().printed().line() + ")");
    }

    private static String seconds(PipelineResult r) {
        return String.format(Locale.ROOT, "%.1f s", r.duration().toMillis() / 1000.0);
    }
}
