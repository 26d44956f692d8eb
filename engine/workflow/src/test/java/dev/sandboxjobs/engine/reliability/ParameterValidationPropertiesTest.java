package dev.sandboxjobs.engine.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.SandboxJobsException;
import dev.sandboxjobs.engine.SandboxOptions;
import dev.sandboxjobs.engine.testing.RequiresDockerHook;
import dev.sandboxjobs.engine.testing.TestEngines;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobErrorCode;
import dev.sandboxjobs.engine.workflow.JobException;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.ParameterValidator;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.ScheduleRequest;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.text.ParseException;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import org.quartz.CronExpression;

/**
 * Malformed parameters, cron expressions, limits and unknown ids give typed errors; the engine
 * stays usable after each try (a sandbox still answers, a run can still be submitted).
 */
@AddLifecycleHook(RequiresDockerHook.class)
@Tag("reliability")
class ParameterValidationPropertiesTest {
    private static SandboxEngine engine;
    private static JobEngine jobEngine;
    private static Sandbox sandbox;

    private static synchronized SandboxEngine engine() {
        if (engine == null) {
            try {
                engine = TestEngines.create(Files.createTempDirectory("parameter-properties"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            jobEngine = JobEngine.over(engine);
            JobsWorker jobs = jobEngine.worker();
            jobs.register(Workflow.named("needs-name")
                    .parameters(ParameterValidator.required("name"))
                    .step(Step.of("hello", ctx -> StepResult.success(ctx.parameters().get("name"))))
                    .build());
            sandbox = engine.getSandbox("parameter-properties");
        }
        return engine;
    }

    private static JobsWorker jobs() {
        engine();
        return jobEngine.worker();
    }

    @AfterContainer
    static void stop() {
        if (engine != null) {
            sandbox.destroy();
            jobEngine.close();
            engine.close();
            engine = null;
        }
    }

    @AfterTry
    void theEngineIsStillUsable() {
        if (engine != null) {
            assertThat(sandbox.exec("echo ok").stdout()).isEqualTo("ok\n");
            assertThat(jobEngine.worker().submit(RunRequest.of("needs-name").parameters(Map.of("name", "x")).build()).id())
                    .isNotBlank();
        }
    }

    private static void assertCode(Set<? extends Enum<?>> codes, Runnable call) {
        try {
            call.run();
        } catch (SandboxJobsException e) {
            assertThat(e.code()).as("%s", e.getMessage()).isIn(codes);
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        throw new AssertionError("expected one of " + codes);
    }

    @Provide
    Arbitrary<String> cronish() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("0123456789*/,-?LW# ABCDEFJMNOSTUWY").ofMaxLength(40),
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of("", " ", "* * * * *", "0 0 12 * * ?", "0/5 * * * * ?", "61 * * * * ?", "0 0 25 * * ?",
                        "0 0 0 31 2 ?", "; rm -rf /", "$(id)", "0 0 0 ? * MON#9", "0 0 0 L-40 * ?"));
    }

    @net.jqwik.api.Example
    void aCronExpressionThatNeverFiresIsInvalidCron() {
        aCronExpressionIsAcceptedExactlyWhenValidAndOtherwiseInvalidCron("0 0 0 31 2 ?");
        aCronExpressionIsAcceptedExactlyWhenValidAndOtherwiseInvalidCron("0 0 0 1 1 ? 2001");
    }

    @Property(tries = 100)
    void aCronExpressionIsAcceptedExactlyWhenValidAndOtherwiseInvalidCron(@ForAll("cronish") String cron) {
        JobsWorker jobs = jobs();
        String id = "fuzz-" + Integer.toHexString(cron.hashCode());
        jobs.deleteSchedule(id);
        boolean valid = fires(cron);
        try {
            jobs.schedule(ScheduleRequest.cron(id, cron, RunRequest.of("needs-name").parameters(Map.of("name", "c")).build()));
            assertThat(valid).as("accepted %s", cron).isTrue();
            jobs.deleteSchedule(id);
        } catch (JobException e) {
            assertThat(e.code()).as("%s: %s", cron, e.getMessage()).isEqualTo(JobErrorCode.INVALID_CRON);
        }
    }

    /** Quartz parses it and it has a next fire time (Feb 31 parses but never fires). */
    static boolean fires(String cron) {
        try {
            return new CronExpression(cron).getNextValidTimeAfter(new Date()) != null;
        } catch (ParseException | RuntimeException e) {
            return false;
        }
    }

    @Provide
    Arbitrary<Object> parameters() {
        Arbitrary<Object> leaf = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(30).map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i), Arbitraries.of(true, false).map(b -> (Object) b));
        return Arbitraries.maps(Arbitraries.of("name", "other", "", "$(id)", "nul\0"), leaf).ofMaxSize(3)
                .map(m -> (Object) m);
    }

    @Property(tries = 60)
    void runParametersAreValidatedAtSubmission(@ForAll("parameters") Object params) {
        JobsWorker jobs = jobs();
        boolean hasName = params instanceof Map<?, ?> m && m.get("name") != null;
        try {
            Run run = jobs.submit(RunRequest.of("needs-name").parameters(params).build());
            assertThat(hasName).isTrue();
            assertThat(run.id()).isNotBlank();
        } catch (JobException e) {
            assertThat(hasName).as("%s", e.getMessage()).isFalse();
            assertThat(e.code()).isEqualTo(JobErrorCode.INVALID_PARAMETERS);
        }
    }

    @Property(tries = 60)
    void unknownIdsAreTypedNotFoundErrors(@ForAll("ids") String id) {
        SandboxEngine e = engine();
        JobsWorker jobs = jobs();
        Set<JobErrorCode> runNotFound = Set.of(JobErrorCode.RUN_NOT_FOUND, JobErrorCode.INVALID_ARGUMENT);
        assertCode(runNotFound, () -> jobs.get(id));
        assertCode(runNotFound, () -> jobs.cancel(id));
        assertCode(Set.of(JobErrorCode.RUN_NOT_FOUND, JobErrorCode.ARTIFACT_NOT_FOUND, JobErrorCode.INVALID_ARGUMENT),
                () -> jobs.readArtifact(id, "a"));
        assertCode(Set.of(JobErrorCode.SCHEDULE_NOT_FOUND, JobErrorCode.INVALID_ARGUMENT), () -> jobs.pauseSchedule(id));
        assertCode(Set.of(JobErrorCode.SCHEDULE_NOT_FOUND, JobErrorCode.INVALID_ARGUMENT), () -> jobs.resumeSchedule(id));
        assertCode(Set.of(JobErrorCode.UNKNOWN_WORKFLOW), () -> jobs.submit(RunRequest.of("no-such-" + id).build()));
        assertCode(Set.of(ErrorCode.PROCESS_NOT_FOUND, ErrorCode.INVALID_ARGUMENT), () -> sandbox.getProcess(id));
        assertCode(Set.of(ErrorCode.PROCESS_NOT_FOUND, ErrorCode.INVALID_ARGUMENT), () -> sandbox.killProcess(id));
        assertCode(Set.of(ErrorCode.PROCESS_NOT_FOUND, ErrorCode.INVALID_ARGUMENT), () -> sandbox.getProcessLogs(id));
        assertCode(Set.of(ErrorCode.SESSION_NOT_FOUND, ErrorCode.INVALID_ARGUMENT), () -> sandbox.getSession(id));
        assertCode(Set.of(ErrorCode.SESSION_NOT_FOUND, ErrorCode.INVALID_ARGUMENT), () -> sandbox.deleteSession(id));
        try {
            assertThat(e.findSandbox("unknown-" + id)).isEmpty();
            assertThat(e.destroySandbox("unknown-" + id)).isFalse();
        } catch (SandboxException ex) {
            assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        }
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMinLength(1).ofMaxLength(40),
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40),
                Arbitraries.of("../etc/passwd", "' OR 1=1 --", "$(id)", "run-0", "proc-1", "%", "_", "\0"));
    }

    @Property(tries = 40)
    void negativeOrAbsurdSandboxLimitsAreInvalidArgument(@ForAll("badLimits") Supplier<SandboxOptions> options) {
        SandboxEngine e = engine();
        String id = "limits-" + Integer.toHexString(System.identityHashCode(options));
        try {
            Sandbox sb = e.getSandbox(id, options.get());
            sb.destroy();
            throw new AssertionError("accepted " + options);
        } catch (SandboxException ex) {
            assertThat(ex.code()).as("%s", ex.getMessage()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        }
        assertThat(e.findSandbox(id)).isEmpty();
    }

    @Provide
    Arbitrary<Supplier<SandboxOptions>> badLimits() {
        return Arbitraries.oneOf(
                Arbitraries.longs().lessOrEqual(0).map(v -> (Supplier<SandboxOptions>) () -> SandboxOptions.builder().memoryBytes(v).build()),
                Arbitraries.longs().lessOrEqual(0).map(v -> (Supplier<SandboxOptions>) () -> SandboxOptions.builder().pidsLimit(v).build()),
                Arbitraries.doubles().lessOrEqual(0).map(v -> (Supplier<SandboxOptions>) () -> SandboxOptions.builder().cpus(v).build()),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, 1e12).map(v -> (Supplier<SandboxOptions>) () -> SandboxOptions.builder().cpus(v).build()),
                Arbitraries.of(Long.MAX_VALUE, 1L << 62).map(v -> (Supplier<SandboxOptions>) () -> SandboxOptions.builder().memoryBytes(v).build()),
                Arbitraries.of(Duration.ofSeconds(-5), Duration.ZERO)
                        .map(d -> (Supplier<SandboxOptions>) () -> SandboxOptions.builder().maxLifetime(d).build()));
    }
}
