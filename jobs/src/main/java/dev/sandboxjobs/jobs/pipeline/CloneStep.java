package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.CommandResult;
import dev.sandboxjobs.jobs.pipeline.PipelineSandbox.ExecSpec;
import dev.sandboxjobs.jobs.report.StepReport;
import dev.sandboxjobs.jobs.report.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code clone} step: brings the repository into the sandbox at {@link Workspace#repository()}
 * and records the commit.
 *
 * <ul>
 * <li>A URL is cloned inside the sandbox with argv-only git commands: shallow by default,
 * {@code --branch=<ref>} for a branch or tag, a fetch of the SHA for a commit. Branch names
 * are data, never shell text.</li>
 * <li>A token goes into the environment of the git process only, read by a fixed credential
 * helper ({@code GIT_CONFIG_*} variables): never in argv, a URL, a log or the report.</li>
 * <li>A local directory is copied in, uncommitted changes included; with a ref, the copy is
 * cloned at that ref instead.</li>
 * </ul>
 */
public final class CloneStep {

    public static final String NAME = "clone";

    /** Environment variable holding the token inside the git process. */
    static final String TOKEN_ENV = "SANDBOX_JOBS_GIT_TOKEN";
    private static final java.util.regex.Pattern VARIABLE = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** The header line of {@code git status --porcelain=v2 --branch} that names HEAD's commit. */
    private static final String BRANCH_OID = "# branch.oid ";

    private static String credentialHelper(String variable) {
        return "!f() { test \"$1\" = get || exit 0; echo username=x-access-token; echo \"password=$" + variable + "\"; }; f";
    }

    /**
     * What the clone produced.
     *
     * @param projectDir the project directory in the sandbox
     * @param commit     the commit SHA checked out, {@code ""} for a local directory without git
     * @param dirty      whether a local working copy had uncommitted changes
     * @param report     the step's report
     */
    public record Outcome(String projectDir, String commit, boolean dirty, StepReport report) {
    }

    private final PipelineRequest request;
    private final Workspace workspace;
    private final Clock clock;
    private final String tokenVariable;

    public CloneStep(PipelineRequest request, Workspace workspace, Clock clock) {
        this(request, workspace, clock, null);
    }

    /**
     * A clone step whose token, when the request has none, is the sandbox's environment variable
     * {@code tokenVariable} (a secret the sandbox was created with, e.g. by the job engine from a
     * secret name); null for none. The value is never seen here and cannot be redacted from
     * git's output, which does not print it.
     */
    public CloneStep(PipelineRequest request, Workspace workspace, Clock clock, String tokenVariable) {
        if (tokenVariable != null && !VARIABLE.matcher(tokenVariable).matches()) {
            throw new IllegalArgumentException("a token variable is a name of letters, digits and _, not " + tokenVariable);
        }
        this.request = request;
        this.workspace = workspace;
        this.clock = clock;
        this.tokenVariable = request.token() == null ? tokenVariable : null;
    }

    /** Runs the step; throws {@link StepException} when the repository cannot be brought in. */
    public Outcome run(PipelineSandbox sandbox) {
        PipelineNetwork.Phase network = PipelineNetwork.Phase.begin(sandbox, request.network().clonePolicy(request));
        try {
            Outcome done = bringIn(sandbox);
            return new Outcome(done.projectDir(), done.commit(), done.dirty(), done.report().withNetwork(network.end()));
        } catch (StepException e) {
            throw new StepException(e.report().withNetwork(network.end()));
        }
    }

    private Outcome bringIn(PipelineSandbox sandbox) {
        Instant start = clock.instant();
        List<String> shown = new ArrayList<>();
        StringBuilder log = new StringBuilder();
        String repo = workspace.repository();
        boolean dirty = false;
        if (request.sourceKind() == PipelineRequest.SourceKind.LOCAL_DIRECTORY) {
            Path local = Path.of(request.repository()).toAbsolutePath().normalize();
            if (!Files.isDirectory(local)) {
                throw fail(start, shown, log, -1, "the repository is neither a git URL (git://, http(s)://, ssh://, "
                        + "file://) nor an existing directory: " + request.repository());
            }
            if (request.ref().isEmpty()) {
                sandbox.copyIn(local, repo);
                shown.add("copy " + local + " -> " + repo);
            } else {
                sandbox.copyIn(local, workspace.source());
                shown.add("copy " + local + " -> " + workspace.source());
                gitClone(sandbox, "file://" + workspace.source(), repo, start, shown, log);
            }
        } else if (request.hostPath().isPresent()) {
            Path local = request.hostPath().get().toAbsolutePath().normalize();
            if (!Files.isDirectory(local)) {
                throw fail(start, shown, log, -1, "the file:// URL names " + local + ", which is not a directory on this"
                        + " host (file:// URLs are resolved on the engine's host, like a directory)");
            }
            // a file:// URL is the host's repository: its committed history, cloned like any URL
            sandbox.copyIn(local, workspace.source());
            shown.add("copy " + local + " -> " + workspace.source());
            gitClone(sandbox, "file://" + workspace.source(), repo, start, shown, log);
        } else {
            gitClone(sandbox, request.repository(), repo, start, shown, log);
        }
        String commit = "";
        // one git call: git looks for the repository in repo alone (a copy without .git has no commit), and a
        // working copy copied as it is is asked its changes in the same call
        Map<String, String> here = Map.of("GIT_CEILING_DIRECTORIES", workspace.root()); // repo's parent
        if (request.sourceKind() == PipelineRequest.SourceKind.LOCAL_DIRECTORY && request.ref().isEmpty()) {
            CommandResult status = git(sandbox, List.of("git", "-C", repo, "status", "--porcelain=v2", "--branch"), here);
            if (status.success()) {
                for (String line : status.stdout().lines().toList()) {
                    if (line.startsWith(BRANCH_OID)) {
                        String oid = line.substring(BRANCH_OID.length()).strip();
                        commit = oid.equals("(initial)") ? "" : oid;
                    } else if (!line.isBlank() && !line.startsWith("#")) {
                        dirty = true;
                    }
                }
            }
        } else {
            CommandResult head = git(sandbox, List.of("git", "-C", repo, "rev-parse", "HEAD"), here);
            commit = head.success() ? head.stdout().strip() : "";
        }
        String projectDir = workspace.project(request.subdirectory());
        if (!request.subdirectory().isEmpty()) {
            CommandResult isDir = sandbox.exec(List.of("test", "-d", projectDir), ExecSpec.of("/", Map.of(), Duration.ofSeconds(30)));
            if (!isDir.success()) {
                throw fail(start, shown, log, -1, "the subdirectory \"" + request.subdirectory()
                        + "\" does not exist in the repository");
            }
        }
        String message = (commit.isEmpty() ? "copied" : "at " + commit) + (dirty ? " with uncommitted changes" : "");
        StepReport report = new StepReport(NAME, StepStatus.SUCCEEDED, Duration.between(start, clock.instant()),
                String.join("; ", shown), 0, message, redact(log.toString()));
        return new Outcome(projectDir, commit, dirty, report);
    }

    private void gitClone(PipelineSandbox sandbox, String url, String dir, Instant start, List<String> shown,
            StringBuilder log) {
        Map<String, String> env = gitEnv();
        List<List<String>> commands = new ArrayList<>();
        String depth = request.depth() > 0 ? "--depth=" + request.depth() : null;
        if (request.refIsCommit()) {
            commands.add(List.of("git", "init", "--quiet", dir));
            commands.add(List.of("git", "-C", dir, "remote", "add", "origin", url));
            List<String> fetch = new ArrayList<>(List.of("git", "-C", dir, "fetch", "--quiet"));
            if (depth != null) {
                fetch.add(depth);
            }
            fetch.addAll(List.of("origin", request.ref()));
            commands.add(fetch);
            commands.add(List.of("git", "-C", dir, "-c", "advice.detachedHead=false", "checkout", "--quiet", "FETCH_HEAD"));
        } else {
            List<String> clone = new ArrayList<>(List.of("git", "clone", "--quiet"));
            if (depth != null) {
                clone.add(depth);
            }
            if (!request.ref().isEmpty()) {
                clone.add("--branch=" + request.ref());
                clone.add("--single-branch");
            }
            clone.addAll(List.of("--", url, dir));
            commands.add(clone);
        }
        for (int i = 0; i < commands.size(); i++) {
            List<String> argv = commands.get(i);
            shown.add(String.join(" ", argv));
            CommandResult r = git(sandbox, argv, env);
            log.append(r.combined());
            if (r.timedOut()) {
                throw new StepException(new StepReport(NAME, StepStatus.TIMED_OUT, Duration.between(start, clock.instant()),
                        String.join("; ", shown), -1, "the clone did not finish within " + request.cloneTimeout(),
                        redact(log.toString())));
            }
            if (!r.success()) {
                if (request.refIsCommit() && argv.contains("fetch") && depth != null) {
                    // servers that refuse a fetch by SHA: fetch everything, then check out the commit
                    List<String> full = List.of("git", "-C", dir, "fetch", "--quiet", "origin");
                    shown.add(String.join(" ", full));
                    CommandResult all = git(sandbox, full, env);
                    log.append(all.combined());
                    if (all.success()) {
                        commands.set(i + 1, List.of("git", "-C", dir, "-c", "advice.detachedHead=false", "checkout",
                                "--quiet", request.ref()));
                        continue;
                    }
                }
                throw fail(start, shown, log, r.exitCode(), describeGitFailure(r));
            }
        }
    }

    private String describeGitFailure(CommandResult r) {
        String err = redact(r.stderr()).strip();
        String lower = err.toLowerCase(java.util.Locale.ROOT);
        String what;
        if (lower.contains("remote branch") && lower.contains("not found") || lower.contains("couldn't find remote ref")
                || lower.contains("not our ref") || lower.contains("reference is not a tree")
                || lower.contains("unable to read tree") || lower.contains("did not match any")) {
            what = "the branch, tag or commit \"" + request.ref() + "\" does not exist in " + request.displayRepository();
        } else if (lower.contains("could not resolve host") || lower.contains("connection refused")
                || lower.contains("does not appear to be a git repository") || lower.contains("not found")
                || lower.contains("unable to access") || lower.contains("could not read from remote")) {
            what = "the repository " + request.displayRepository() + " cannot be reached";
        } else if (lower.contains("authentication failed") || lower.contains("could not read username")
                || lower.contains("permission denied")) {
            what = "access to " + request.displayRepository() + " was denied: pass a token for a private repository";
        } else {
            what = "git exited with " + r.exitCode();
        }
        String last = err.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("");
        return last.isEmpty() ? what : what + " (" + last + ")";
    }

    private Map<String, String> gitEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_ALLOW_PROTOCOL", "file:git:http:https:ssh");
        env.put("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new");
        boolean token = request.token() != null || tokenVariable != null;
        env.put("GIT_CONFIG_COUNT", token ? "3" : "1");
        // copies made by another user (a host directory) are safe to read
        env.put("GIT_CONFIG_KEY_0", "safe.directory");
        env.put("GIT_CONFIG_VALUE_0", "*");
        if (token) {
            env.put("GIT_CONFIG_KEY_1", "credential.helper");
            env.put("GIT_CONFIG_VALUE_1", "");
            env.put("GIT_CONFIG_KEY_2", "credential.helper");
            env.put("GIT_CONFIG_VALUE_2", credentialHelper(tokenVariable != null ? tokenVariable : TOKEN_ENV));
        }
        return env;
    }

    private CommandResult git(PipelineSandbox sandbox, List<String> argv, Map<String, String> extraEnv) {
        Map<String, String> env = new LinkedHashMap<>(gitEnv());
        env.putAll(extraEnv);
        Map<String, SecretValue> secrets = request.token() == null ? Map.of() : Map.of(TOKEN_ENV, request.token());
        return sandbox.exec(argv, new ExecSpec(workspace.root(), env, secrets, request.cloneTimeout()));
    }

    private StepException fail(Instant start, List<String> shown, StringBuilder log, int exitCode, String message) {
        return new StepException(new StepReport(NAME, StepStatus.FAILED, Duration.between(start, clock.instant()),
                String.join("; ", shown), exitCode, redact(message), redact(log.toString())));
    }

    private String redact(String text) {
        return request.token() == null ? text : request.token().redact(text);
    }
}
