package dev.sandboxjobs.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sandboxjobs.engine.egress.EgressEvent;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.jobs.detect.ProjectKind;
import dev.sandboxjobs.jobs.report.NetworkActivity;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The network plan of each step, as data: no Docker. */
class PipelineNetworkTest {

    private static PipelineRequest request(String repo, PipelineNetwork network) {
        return PipelineRequest.builder(repo).network(network).build();
    }

    @Test
    void theGitHostOfEachUrlFormIsTheClonesOnlyDestination() {
        assertThat(PipelineNetwork.gitHosts("https://github.com/a/b.git")).containsExactly("github.com");
        assertThat(PipelineNetwork.gitHosts("ssh://git@git.example.com:2222/a/b.git")).containsExactly("git.example.com");
        assertThat(PipelineNetwork.gitHosts("git@gitlab.com:team/app.git")).containsExactly("gitlab.com");
        assertThat(PipelineNetwork.gitHosts("git://example.org/x")).containsExactly("example.org");
        assertThat(PipelineNetwork.gitHosts("file:///srv/repo")).isEmpty();
        assertThat(PipelineNetwork.gitHosts("/home/me/project")).isEmpty();
        PipelineNetwork net = PipelineNetwork.defaults();
        assertThat(net.clonePolicy(request("https://github.com/a/b.git", net)))
                .isEqualTo(EgressPolicy.allow("github.com"));
        assertThat(net.clonePolicy(request("/tmp", net))).isEqualTo(EgressPolicy.allow());
    }

    @Test
    void installReachesTheRegistriesOfTheKindPlusTheGitHost() {
        PipelineNetwork net = PipelineNetwork.defaults();
        PipelineRequest req = request("https://github.com/a/b.git", net);
        assertThat(net.installRules(req, ProjectKind.NODE))
                .containsExactly("registry.npmjs.org:443", "registry.yarnpkg.com:443", "repo.yarnpkg.com:443", "github.com");
        assertThat(net.installRules(req, ProjectKind.MAVEN)).contains("repo.maven.apache.org:443").doesNotContain(
                "registry.npmjs.org:443");
        assertThat(net.installRules(req, ProjectKind.PYTHON)).contains("pypi.org:443", "files.pythonhosted.org:443");
        assertThat(net.installRules(req, ProjectKind.MAKE)).containsExactly("github.com");
        for (ProjectKind kind : ProjectKind.values()) {
            assertThat(PipelineNetwork.registries(kind)).as("%s", kind).isNotNull();
        }
    }

    @Test
    void theParametersReplaceTheRegistriesAndChooseTheTestNetwork() {
        PipelineNetwork net = new PipelineNetwork(List.of("npm.internal.example:443"), PipelineNetwork.TestNetwork.INSTALL);
        PipelineRequest req = request("https://git.example.com/a.git", net);
        assertThat(net.installRules(req, ProjectKind.NODE)).containsExactly("npm.internal.example:443", "git.example.com");
        assertThat(net.testPolicy(req, ProjectKind.NODE)).isEqualTo(net.installPolicy(req, ProjectKind.NODE));
        assertThat(new PipelineNetwork(null, PipelineNetwork.TestNetwork.OPEN).testPolicy(req, ProjectKind.NODE))
                .isEqualTo(EgressPolicy.open());
    }

    @Test
    void testsGetNoNetworkByDefaultExceptMavenAndGradleWhichResolvePluginsWhileTesting() {
        PipelineNetwork net = PipelineNetwork.defaults();
        PipelineRequest req = request("https://github.com/a/b.git", net);
        assertThat(net.testPolicy(req, ProjectKind.NODE)).isEqualTo(EgressPolicy.allow());
        assertThat(net.testPolicy(req, ProjectKind.PYTHON)).isEqualTo(EgressPolicy.allow());
        assertThat(net.testPolicy(req, ProjectKind.MAVEN)).isEqualTo(net.installPolicy(req, ProjectKind.MAVEN));
        assertThat(new PipelineNetwork(null, PipelineNetwork.TestNetwork.NONE).testPolicy(req, ProjectKind.MAVEN))
                .isEqualTo(EgressPolicy.allow());
    }

    @Test
    void theActivityListsEachTargetOnceAllowedOrDeniedWithTheReason() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        NetworkActivity a = PipelineNetwork.activity("no network", List.of(
                new EgressEvent(t, "registry.npmjs.org", 443, "CONNECT", true, "rule registry.npmjs.org:443", List.of()),
                new EgressEvent(t, "registry.npmjs.org", 443, "CONNECT", true, "rule registry.npmjs.org:443", List.of()),
                new EgressEvent(t, "example.com", 443, "CONNECT", false, "not in the sandbox's egress policy", List.of()),
                new EgressEvent(t, "example.com", 443, "CONNECT", false, "not in the sandbox's egress policy", List.of())));
        assertThat(a.contacted()).containsExactly("registry.npmjs.org:443");
        assertThat(a.denied()).containsExactly("example.com:443 — not in the sandbox's egress policy");
        assertThat(a.deniedTargets()).containsExactly("example.com:443");
        assertThat(PipelineNetwork.describe(EgressPolicy.allow())).isEqualTo("no network");
    }

    @Test
    void badNetworkParametersAreRefusedWithEveryProblemListed() {
        var params = JsonMapper.builder().build().createObjectNode();
        params.put("repository", "https://github.com/a/b.git");
        params.put("testNetwork", "sometimes");
        params.putArray("installAllow").add("registry.npmjs.org:443").add("bad rule with spaces");
        assertThat(TestingPipelineWorkflow.validate(params))
                .anyMatch(p -> p.contains("\"testNetwork\" must be \"none\", \"install\" or \"open\""))
                .anyMatch(p -> p.contains("\"installAllow\" holds a bad rule bad rule with spaces"));
        params.put("testNetwork", "open");
        params.putArray("installAllow").add(3);
        assertThat(TestingPipelineWorkflow.validate(params)).containsExactly("\"installAllow\" must be a list of strings");
    }

    @Test
    void aFakeSandboxWithoutNetworkKeepsNoneAndTheReportSaysSo() {
        NetworkActivity a = PipelineNetwork.Phase.begin(new PipelineSandbox() {
            public CommandResult exec(List<String> argv, ExecSpec spec) { return new CommandResult(0, "", "", false); }
            public java.util.Optional<byte[]> readFile(String path, int maxBytes) { return java.util.Optional.empty(); }
            public void writeFile(String path, byte[] content) {}
            public List<String> listFiles(String dir, int maxDepth) { return List.of(); }
            public void copyIn(java.nio.file.Path source, String target) {}
        }, EgressPolicy.open()).end();
        assertThat(a.policy()).isEqualTo("no network (the sandbox has none)");
        assertThat(a.contacted()).isEmpty();
    }
}
