package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.TestEngines;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class SandboxGitTest {
    @TempDir static Path dir;
    static SandboxEngine engine;
    static Sandbox sandbox;
    static String head;

    @BeforeAll
    static void start() {
        engine = TestEngines.create(dir);
        sandbox = engine.getSandbox("git", SandboxOptions.builder().user("root").build());  // serves repositories from /srv
        // a real repository, made by the test, with two branches and two commits on main
        ExecResult made = sandbox.exec("(" + String.join(" && ",
                "git config --global user.email t@example.com", "git config --global user.name Test",
                "git config --global init.defaultBranch main",
                "mkdir -p /srv/origin && cd /srv/origin && git init -q",
                "echo one > a.txt && git add a.txt && git commit -qm one",
                "echo two >> a.txt && git commit -qam two",
                "git checkout -qb feature && echo f > f.txt && git add f.txt && git commit -qm feature && git checkout -q main",
                "git rev-parse main") + ")");
        assertThat(made.success()).as(made.stderr()).isTrue();
        head = made.stdout().trim();
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.destroy();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void gitCheckoutClonesIntoTheRepositoryNameUnderTheSessionDirectory() {
        GitCheckoutResult r = sandbox.gitCheckout("file:///srv/origin");
        assertThat(r.targetDir()).isEqualTo("/workspace/origin");
        assertThat(r.commit()).isEqualTo(head);
        assertThat(r.branch()).isEqualTo("main");
        assertThat(sandbox.readFile("/workspace/origin/a.txt").content()).isEqualTo("one\ntwo\n");
    }

    @Test
    void gitCheckoutTakesABranchATargetAndADepth() {
        GitCheckoutResult r = sandbox.gitCheckout("file:///srv/origin", GitCheckoutOptions.builder()
                .branch("feature").targetDir("/tmp/feature").depth(1).build());
        assertThat(r.branch()).isEqualTo("feature");
        assertThat(sandbox.exists("/tmp/feature/f.txt")).isTrue();
        assertThat(sandbox.exec("cd /tmp/feature && git rev-list --count HEAD").stdout().trim()).isEqualTo("1");
    }

    @Test
    void aFailedCheckoutIsGitCheckoutFailedWithoutTheToken() throws Exception {
        assertThatThrownBy(() -> sandbox.gitCheckout("file:///srv/nothing-here", GitCheckoutOptions.builder()
                .token(Secret.of("tok-very-secret-123")).targetDir("/tmp/never").build()))
                .isInstanceOf(SandboxException.class)
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.GIT_CHECKOUT_FAILED))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("tok-very-secret-123"));
        assertThatThrownBy(() -> sandbox.gitCheckout("file:///srv/origin", GitCheckoutOptions.builder()
                .branch("no-such-branch").targetDir("/tmp/never2").build()))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.GIT_CHECKOUT_FAILED));
        for (Path f : Files.list(dir).toList()) {
            if (Files.isRegularFile(f)) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).doesNotContain("tok-very-secret-123");
            }
        }
    }

    @Test
    void aTokenAuthenticatesAPrivateRepositoryOverHttp() throws Exception {
        // a dumb-HTTP git server inside the sandbox that demands basic auth with the token
        sandbox.exec("(git clone -q --bare /srv/origin /srv/http/private.git && cd /srv/http/private.git && git update-server-info)");
        sandbox.writeFile("/srv/auth_server.py", String.join("\n",
                "import base64, http.server, functools",
                "EXPECTED = 'Basic ' + base64.b64encode(b'x-access-token:tok-abc').decode()",
                "class H(http.server.SimpleHTTPRequestHandler):",
                "    def do_GET(self):",
                "        if self.headers.get('Authorization') != EXPECTED:",
                "            self.send_response(401); self.send_header('WWW-Authenticate', 'Basic realm=git'); self.end_headers(); return",
                "        super().do_GET()",
                "    def log_message(self, *a): pass",
                "http.server.ThreadingHTTPServer(('127.0.0.1', 8765), functools.partial(H, directory='/srv/http')).serve_forever()",
                ""));
        ProcessInfo server = sandbox.startProcess("python3 /srv/auth_server.py");
        try {
            sandbox.exec("for i in $(seq 50); do (echo > /dev/tcp/127.0.0.1/8765) 2>/dev/null && break; sleep 0.1; done");
            assertThatThrownBy(() -> sandbox.gitCheckout("http://127.0.0.1:8765/private.git",
                    GitCheckoutOptions.builder().targetDir("/tmp/private-no-token").build()))
                    .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.GIT_CHECKOUT_FAILED));
            GitCheckoutResult r = sandbox.gitCheckout("http://127.0.0.1:8765/private.git", GitCheckoutOptions.builder()
                    .targetDir("/tmp/private").token(Secret.of("tok-abc")).build());
            assertThat(r.commit()).isEqualTo(head);
            assertThat(sandbox.exec("cat /tmp/private/.git/config").stdout()).doesNotContain("tok-abc");
        } finally {
            sandbox.killProcess(server.id(), "KILL");
        }
    }

    @Test
    void aUrlThatLooksLikeAnOptionIsInvalidArgument() {
        assertThatThrownBy(() -> sandbox.gitCheckout("-oops"))
                .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
}
