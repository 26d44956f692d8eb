package dev.sandboxjobs.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.sandboxjobs.engine.Labels;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs small test classes that use {@link SandboxTest} through JUnit's own {@link EngineTestKit},
 * on real Docker, and checks what happened to their sandboxes' containers.
 */
@RequiresDocker
class SandboxExtensionTest {
    /** Sandbox ids seen by the test classes below, in the order they were seen. */
    static final Queue<String> SEEN = new ConcurrentLinkedQueue<>();

    private static Events run(Class<?> testClass, Map<String, String> parameters) {
        SEEN.clear();
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter(EngineResource.IMAGE, RuntimeImageForTests.image())
                .configurationParameter(OnlyInTestKit.KEY, "true")
                .configurationParameters(parameters)
                .selectors(selectClass(testClass))
                .execute()
                .testEvents();
    }

    @Test
    void eachTestGetsItsOwnSandboxDestroyedAfterwardsEvenWhenItFails() throws Exception {
        Events events = run(PerMethod.class, Map.of());

        events.assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        events.assertThatEvents().haveExactly(1, event(test("failsOnPurpose"), finishedWithFailure(message("on purpose"))));
        List<String> ids = new ArrayList<>(SEEN);
        assertThat(ids).hasSize(4);                                        // @BeforeEach and the test, twice
        assertThat(ids.stream().distinct()).hasSize(2);                    // ... see the same sandbox
        assertThat(ids).allMatch(id -> id.startsWith("junit-"));
        for (String id : ids) {
            assertThat(containersLabelled(id)).as("containers of " + id).isEmpty();
        }
    }

    @Test
    void aPerClassSandboxIsSharedByTheClassAndDestroyedAfterIt() throws Exception {
        Events events = run(PerClass.class, Map.of());

        events.assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(SEEN.stream().distinct()).hasSize(1);
        assertThat(containersLabelled(SEEN.peek())).isEmpty();
    }

    @Test
    void testsRunInParallelEachGetTheirOwnSandbox() throws Exception {
        Events events = run(InParallel.class, Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4"));

        events.assertStatistics(s -> s.started(4).succeeded(4));
        assertThat(SEEN.stream().distinct()).hasSize(4);
        for (String id : SEEN) {
            assertThat(containersLabelled(id)).as("containers of " + id).isEmpty();
        }
    }

    @Test
    void badSettingsFailTheTestAndNameTheEntry() {
        Events events = run(BadSettings.class, Map.of());

        events.assertStatistics(s -> s.started(1).failed(1));
        events.assertThatEvents().haveExactly(1, event(test("neverRuns"), finishedWithFailure(
                instanceOf(ParameterResolutionException.class), message(m -> m.contains("'NO_EQUALS_SIGN' is not NAME=value")))));
    }

    /** The ids of the containers (running or not) that Docker has for the sandbox. */
    private static List<String> containersLabelled(String sandboxId) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("docker", "ps", "-a", "-q", "--filter", "label=" + Labels.SANDBOX + "=" + sandboxId)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    /** Keeps the classes below from running except through the test kit (one of them fails on purpose). */
    static final class OnlyInTestKit implements ExecutionCondition {
        static final String KEY = "sandboxjobs.junit5.self-test";

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(KEY).isPresent()
                    ? ConditionEvaluationResult.enabled("run by SandboxExtensionTest")
                    : ConditionEvaluationResult.disabled("run only by SandboxExtensionTest");
        }
    }

    @SandboxTest
    @ExtendWith(OnlyInTestKit.class)
    static class PerMethod {
        @BeforeEach
        void before(Sandbox sandbox) {
            SEEN.add(sandbox.id());
        }

        @Test
        void passes(Sandbox sandbox) {
            SEEN.add(sandbox.id());
            sandbox.writeFile("/workspace/hello.txt", "hello");
            assertEquals("hello", sandbox.exec("cat /workspace/hello.txt").stdout());
        }

        @Test
        void failsOnPurpose(Sandbox sandbox) {
            SEEN.add(sandbox.id());
            assertEquals(0, sandbox.exec("true").exitCode());
            fail("on purpose");
        }
    }

    @SandboxTest(lifecycle = SandboxTest.Lifecycle.PER_CLASS, env = "GREETING=hello from the annotation")
    @ExtendWith(OnlyInTestKit.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClass {
        @BeforeAll
        static void before(Sandbox sandbox) {
            SEEN.add(sandbox.id());
        }

        @Test
        @Order(1)
        void writes(Sandbox sandbox) {
            SEEN.add(sandbox.id());
            sandbox.writeFile("/workspace/kept.txt", "kept");
        }

        @Test
        @Order(2)
        void readsWhatTheFirstWrote(Sandbox sandbox) {
            SEEN.add(sandbox.id());
            assertEquals("kept", sandbox.readFile("/workspace/kept.txt").content());
            assertEquals("hello from the annotation", sandbox.exec("printf %s \"$GREETING\"").stdout());
        }
    }

    @SandboxTest
    @ExtendWith(OnlyInTestKit.class)
    static class InParallel {
        private static void writeAndFindOnlyMine(Sandbox sandbox, String name) {
            SEEN.add(sandbox.id());
            sandbox.writeFile("/workspace/" + name, name);
            assertEquals(name, sandbox.exec("ls /workspace").stdout().trim());
        }

        @Test
        void first(Sandbox sandbox) {
            writeAndFindOnlyMine(sandbox, "first");
        }

        @Test
        void second(Sandbox sandbox) {
            writeAndFindOnlyMine(sandbox, "second");
        }

        @Test
        void third(Sandbox sandbox) {
            writeAndFindOnlyMine(sandbox, "third");
        }

        @Test
        void fourth(Sandbox sandbox) {
            writeAndFindOnlyMine(sandbox, "fourth");
        }
    }

    @ExtendWith(OnlyInTestKit.class)
    static class BadSettings {
        @Test
        @SandboxTest(env = "NO_EQUALS_SIGN")
        void neverRuns(Sandbox sandbox) {
            fail("the sandbox should not have been resolved");
        }
    }
}
