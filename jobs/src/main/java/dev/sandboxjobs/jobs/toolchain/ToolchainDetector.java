package dev.sandboxjobs.jobs.toolchain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.jobs.detect.ProjectFiles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the tool versions a project asks for from its files — a pure function of a
 * {@link ProjectFiles} snapshot holding {@link #FILES_TO_READ}.
 *
 * <pre>{@code
 * List<Requirement> wanted = ToolchainDetector.detect(files);
 * // [Requirement[tool=NODE, spec=>=20, source=package.json engines.node], Requirement[tool=PNPM, spec=9.12.3, …]]
 * }</pre>
 *
 * <p>Several requirements for one tool come in order of precedence: an exact pin the developers run
 * with ({@code .nvmrc}, {@code .node-version}, {@code .tool-versions}, Volta) before a range
 * ({@code engines}); {@code packageManager} before {@code engines.pnpm} before what a lockfile implies.
 */
public final class ToolchainDetector {

    /** The files, relative to the project root, whose content this reads (beside detection's own). */
    public static final List<String> FILES_TO_READ = List.of(
            "package.json", ".nvmrc", ".node-version", ".tool-versions", "pnpm-lock.yaml", "yarn.lock", ".yarnrc.yml",
            "pom.xml", ".mvn/wrapper/maven-wrapper.properties", "build.gradle", "build.gradle.kts",
            "gradle/wrapper/gradle-wrapper.properties", ".java-version", ".sdkmanrc",
            "pyproject.toml", "setup.cfg", ".python-version", "runtime.txt",
            "go.mod", "rust-toolchain.toml", "rust-toolchain", "Cargo.toml");

    private static final ObjectMapper JSON = new ObjectMapper();
    /** nvm's names of the LTS lines. */
    private static final Map<String, String> NODE_LTS_NAMES = Map.ofEntries(
            Map.entry("argon", "4"), Map.entry("boron", "6"), Map.entry("carbon", "8"), Map.entry("dubnium", "10"),
            Map.entry("erbium", "12"), Map.entry("fermium", "14"), Map.entry("gallium", "16"),
            Map.entry("hydrogen", "18"), Map.entry("iron", "20"), Map.entry("jod", "22"), Map.entry("krypton", "24"));
    private static final Pattern PROPERTY = Pattern.compile("<([A-Za-z0-9_.-]+)>\\s*([^<]*?)\\s*</\\1>");
    private static final Pattern XML_COMMENT = Pattern.compile("(?s)<!--.*?-->");

    private ToolchainDetector() {
    }

    /** Every requirement found, grouped by tool in order of precedence. */
    public static List<Requirement> detect(ProjectFiles files) {
        List<Requirement> found = new ArrayList<>();
        node(files, found);
        packageManagers(files, found);
        java(files, found);
        maven(files, found);
        gradle(files, found);
        python(files, found);
        go(files, found);
        rust(files, found);
        return List.copyOf(found);
    }

    /** The first (strongest) requirement for {@code tool} in {@code requirements}. */
    public static Optional<Requirement> first(List<Requirement> requirements, Toolchain tool) {
        return requirements.stream().filter(r -> r.tool() == tool).findFirst();
    }

    // ---- Node and its package managers ----

    private static void node(ProjectFiles files, List<Requirement> found) {
        firstToken(files.content(".nvmrc")).map(ToolchainDetector::nodeSpec)
                .ifPresent(v -> found.add(new Requirement(Toolchain.NODE, v, ".nvmrc")));
        firstToken(files.content(".node-version")).map(ToolchainDetector::nodeSpec)
                .ifPresent(v -> found.add(new Requirement(Toolchain.NODE, v, ".node-version")));
        toolVersions(files, "nodejs", "node").map(ToolchainDetector::nodeSpec)
                .ifPresent(v -> found.add(new Requirement(Toolchain.NODE, v, ".tool-versions")));
        JsonNode pkg = packageJson(files);
        text(pkg.path("volta").path("node")).map(ToolchainDetector::nodeSpec)
                .ifPresent(v -> found.add(new Requirement(Toolchain.NODE, v, "package.json volta.node")));
        text(pkg.path("engines").path("node"))
                .ifPresent(v -> found.add(new Requirement(Toolchain.NODE, v, "package.json engines.node")));
    }

    /** {@code v18.17.0} → {@code 18.17.0}; {@code lts/iron} → {@code 20}; {@code node} → {@code latest}. */
    static String nodeSpec(String raw) {
        String v = raw.strip();
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.startsWith("lts/")) {
            String name = lower.substring(4);
            return NODE_LTS_NAMES.getOrDefault(name, "lts/*");
        }
        if (lower.equals("node") || lower.equals("latest") || lower.equals("current") || lower.equals("stable")) {
            return "latest";
        }
        if (lower.matches("v\\d.*")) {
            return v.substring(1);
        }
        return v;
    }

    private static void packageManagers(ProjectFiles files, List<Requirement> found) {
        JsonNode pkg = packageJson(files);
        text(pkg.path("packageManager")).ifPresent(pm -> {
            Matcher m = Pattern.compile("^(npm|pnpm|yarn)@([^+\\s]+)").matcher(pm);
            if (m.find()) {
                Toolchain tool = switch (m.group(1)) {
                    case "pnpm" -> Toolchain.PNPM;
                    case "yarn" -> Toolchain.YARN;
                    default -> Toolchain.NPM;
                };
                found.add(new Requirement(tool, m.group(2), "package.json packageManager"));
            }
        });
        text(pkg.path("engines").path("pnpm"))
                .ifPresent(v -> found.add(new Requirement(Toolchain.PNPM, v, "package.json engines.pnpm")));
        text(pkg.path("engines").path("yarn"))
                .ifPresent(v -> found.add(new Requirement(Toolchain.YARN, v, "package.json engines.yarn")));
        text(pkg.path("engines").path("npm"))
                .ifPresent(v -> found.add(new Requirement(Toolchain.NPM, v, "package.json engines.npm")));
        files.content("pnpm-lock.yaml").flatMap(ToolchainDetector::pnpmForLockfile)
                .ifPresent(r -> found.add(r));
        files.content("yarn.lock").map(ToolchainDetector::yarnForLockfile).ifPresent(found::add);
    }

    /** The pnpm major that writes the lockfile's version: 9.x → 10 (and 9), 6.x → 8, 5.4 → 7, 5.3 → 6. */
    static Optional<Requirement> pnpmForLockfile(String lockfile) {
        Matcher m = Pattern.compile("(?m)^lockfileVersion:\\s*['\"]?([0-9.]+)['\"]?").matcher(lockfile);
        if (!m.find()) {
            return Optional.empty();
        }
        String v = m.group(1);
        String pnpm;
        if (v.startsWith("9.")) {
            pnpm = "10";
        } else if (v.startsWith("6.")) {
            pnpm = "8";
        } else if (v.startsWith("5.4")) {
            pnpm = "7";
        } else if (v.startsWith("5.")) {
            pnpm = "6";
        } else {
            return Optional.empty();
        }
        return Optional.of(new Requirement(Toolchain.PNPM, pnpm, "pnpm-lock.yaml lockfileVersion " + v));
    }

    /** yarn.lock with {@code __metadata.version} 8 → yarn 4, 6 or 7 → 3, lower → 2; without → yarn 1 (classic). */
    static Requirement yarnForLockfile(String lockfile) {
        Matcher m = Pattern.compile("(?m)^__metadata:\\s*\\n(?:\\s+.*\\n)*?\\s+version:\\s*(\\d+)").matcher(lockfile);
        if (!m.find()) {
            return new Requirement(Toolchain.YARN, "1", "yarn.lock (classic format)");
        }
        int version = Integer.parseInt(m.group(1));
        String yarn = version >= 8 ? "4" : version >= 6 ? "3" : "2";
        return new Requirement(Toolchain.YARN, yarn, "yarn.lock __metadata.version " + version);
    }

    // ---- JVM ----

    private static void java(ProjectFiles files, List<Requirement> found) {
        files.content("pom.xml").flatMap(ToolchainDetector::javaFromPom)
                .ifPresent(r -> found.add(r));
        for (String build : List.of("build.gradle.kts", "build.gradle")) {
            files.content(build).flatMap(text -> javaFromGradle(text, build)).ifPresent(found::add);
        }
        firstToken(files.content(".java-version")).map(ToolchainDetector::javaMajor)
                .ifPresent(v -> found.add(new Requirement(Toolchain.JAVA, v, ".java-version")));
        files.content(".sdkmanrc").flatMap(t -> line(t, "(?m)^\\s*java\\s*=\\s*(\\S+)")).map(ToolchainDetector::javaMajor)
                .ifPresent(v -> found.add(new Requirement(Toolchain.JAVA, v, ".sdkmanrc")));
        toolVersions(files, "java").map(ToolchainDetector::javaMajor)
                .ifPresent(v -> found.add(new Requirement(Toolchain.JAVA, v, ".tool-versions")));
    }

    static Optional<Requirement> javaFromPom(String pom) {
        String xml = XML_COMMENT.matcher(pom).replaceAll("");
        Map<String, String> properties = new HashMap<>();
        Matcher props = Pattern.compile("(?s)<properties>(.*?)</properties>").matcher(xml);
        while (props.find()) {
            Matcher p = PROPERTY.matcher(props.group(1));
            while (p.find()) {
                properties.putIfAbsent(p.group(1), p.group(2));
            }
        }
        // the compiler plugin's own configuration wins over the properties
        Matcher plugin = Pattern.compile("(?s)<artifactId>maven-compiler-plugin</artifactId>(.*?)</plugin>").matcher(xml);
        if (plugin.find()) {
            for (String element : List.of("release", "target", "source")) {
                Optional<String> v = line(plugin.group(1), "<" + element + ">\\s*([^<]+?)\\s*</" + element + ">")
                        .map(s -> resolve(s, properties));
                if (v.isPresent() && v.get().matches("(1\\.)?\\d+")) {
                    return Optional.of(new Requirement(Toolchain.JAVA, javaMajor(v.get()),
                            "pom.xml maven-compiler-plugin <" + element + ">"));
                }
            }
        }
        for (String name : List.of("maven.compiler.release", "maven.compiler.target", "maven.compiler.source",
                "java.version", "jdk.version", "java.release")) {
            String v = properties.get(name);
            if (v != null) {
                v = resolve(v, properties);
                if (v.matches("(1\\.)?\\d+")) {
                    return Optional.of(new Requirement(Toolchain.JAVA, javaMajor(v), "pom.xml " + name));
                }
            }
        }
        return Optional.empty();
    }

    static Optional<Requirement> javaFromGradle(String build, String file) {
        List<String[]> patterns = List.of(
                new String[] {"JavaLanguageVersion\\.of\\(\\s*['\"]?(\\d+)['\"]?\\s*\\)", "toolchain languageVersion"},
                new String[] {"jvmToolchain\\(\\s*(\\d+)\\s*\\)", "jvmToolchain"},
                new String[] {"(?:sourceCompatibility|targetCompatibility)\\s*=\\s*JavaVersion\\.VERSION_((?:1_)?\\d+)",
                        "sourceCompatibility"},
                new String[] {"(?:sourceCompatibility|targetCompatibility)\\s*=\\s*['\"]?((?:1\\.)?\\d+)['\"]?",
                        "sourceCompatibility"});
        for (String[] p : patterns) {
            Optional<String> v = line(build, p[0]);
            if (v.isPresent()) {
                return Optional.of(new Requirement(Toolchain.JAVA, javaMajor(v.get().replace('_', '.')), file + " " + p[1]));
            }
        }
        return Optional.empty();
    }

    /** {@code 1.8} → {@code 8}; {@code 21.0.2-tem} → {@code 21}; {@code temurin-17.0.9+9} → {@code 17}. */
    static String javaMajor(String raw) {
        Matcher m = Pattern.compile("(\\d+)(?:\\.(\\d+))?").matcher(raw);
        if (!m.find()) {
            return raw.strip();
        }
        if (m.group(1).equals("1") && m.group(2) != null) {
            return m.group(2);
        }
        return m.group(1);
    }

    private static void maven(ProjectFiles files, List<Requirement> found) {
        files.content(".mvn/wrapper/maven-wrapper.properties")
                .flatMap(t -> line(t, "(?m)^\\s*distributionUrl\\s*=.*apache-maven-([0-9][^/]*?)-bin\\.(?:zip|tar\\.gz)"))
                .ifPresent(v -> found.add(new Requirement(Toolchain.MAVEN, v, "mvnw (.mvn/wrapper/maven-wrapper.properties)")));
        files.content("pom.xml").map(p -> XML_COMMENT.matcher(p).replaceAll("")).ifPresent(pom -> {
            line(pom, "(?s)<requireMavenVersion>.*?<version>\\s*([^<]+?)\\s*</version>")
                    .ifPresent(v -> found.add(new Requirement(Toolchain.MAVEN, v, "pom.xml maven-enforcer-plugin requireMavenVersion")));
            line(pom, "(?s)<prerequisites>.*?<maven>\\s*([^<]+?)\\s*</maven>")
                    .ifPresent(v -> found.add(new Requirement(Toolchain.MAVEN, "[" + v + ",)", "pom.xml prerequisites")));
        });
    }

    private static void gradle(ProjectFiles files, List<Requirement> found) {
        files.content("gradle/wrapper/gradle-wrapper.properties")
                .flatMap(t -> line(t, "(?m)^\\s*distributionUrl\\s*=.*gradle-([0-9][^/]*?)-(?:bin|all)\\.zip"))
                .ifPresent(v -> found.add(new Requirement(Toolchain.GRADLE, v, "gradlew (gradle/wrapper/gradle-wrapper.properties)")));
    }

    // ---- Python, Go, Rust ----

    private static void python(ProjectFiles files, List<Requirement> found) {
        firstToken(files.content(".python-version"))
                .ifPresent(v -> found.add(new Requirement(Toolchain.PYTHON, v, ".python-version")));
        toolVersions(files, "python")
                .ifPresent(v -> found.add(new Requirement(Toolchain.PYTHON, v, ".tool-versions")));
        files.content("runtime.txt").flatMap(t -> line(t, "python-([0-9][0-9.]*)"))
                .ifPresent(v -> found.add(new Requirement(Toolchain.PYTHON, v, "runtime.txt")));
        files.content("pyproject.toml").flatMap(t -> line(t, "(?m)^\\s*requires-python\\s*=\\s*[\"']([^\"']+)[\"']"))
                .ifPresent(v -> found.add(new Requirement(Toolchain.PYTHON, v, "pyproject.toml requires-python")));
        files.content("setup.cfg").flatMap(t -> line(t, "(?m)^\\s*python_requires\\s*=\\s*(.+?)\\s*$"))
                .ifPresent(v -> found.add(new Requirement(Toolchain.PYTHON, v, "setup.cfg python_requires")));
    }

    private static void go(ProjectFiles files, List<Requirement> found) {
        files.content("go.mod").ifPresent(mod -> {
            line(mod, "(?m)^go\\s+([0-9][0-9.]*)\\s*$")
                    .ifPresent(v -> found.add(new Requirement(Toolchain.GO, v, "go.mod go line")));
            line(mod, "(?m)^toolchain\\s+go([0-9][0-9.]*)\\s*$")
                    .ifPresent(v -> found.add(new Requirement(Toolchain.GO, v, "go.mod toolchain line")));
        });
    }

    private static void rust(ProjectFiles files, List<Requirement> found) {
        files.content("rust-toolchain.toml").flatMap(t -> line(t, "(?m)^\\s*channel\\s*=\\s*[\"']([^\"']+)[\"']"))
                .ifPresent(v -> found.add(new Requirement(Toolchain.RUST, v, "rust-toolchain.toml channel")));
        files.content("rust-toolchain").flatMap(t -> t.contains("channel")
                        ? line(t, "(?m)^\\s*channel\\s*=\\s*[\"']([^\"']+)[\"']") : firstToken(Optional.of(t)))
                .ifPresent(v -> found.add(new Requirement(Toolchain.RUST, v, "rust-toolchain")));
        files.content("Cargo.toml").flatMap(t -> line(t, "(?m)^\\s*rust-version\\s*=\\s*[\"']([^\"']+)[\"']"))
                .ifPresent(v -> found.add(new Requirement(Toolchain.RUST, v, "Cargo.toml rust-version")));
    }

    // ---- helpers ----

    private static JsonNode packageJson(ProjectFiles files) {
        try {
            JsonNode node = JSON.readTree(files.content("package.json").orElse("{}"));
            return node != null && node.isObject() ? node : JSON.createObjectNode();
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? Optional.of(node.asText().strip()) : Optional.empty();
    }

    /** The first word of the first line that is not blank or a {@code #} comment. */
    private static Optional<String> firstToken(Optional<String> content) {
        return content.flatMap(text -> text.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst())
                .map(l -> l.split("\\s+")[0]);
    }

    /** asdf's {@code .tool-versions}: the first version on the line of one of {@code names}. */
    private static Optional<String> toolVersions(ProjectFiles files, String... names) {
        return files.content(".tool-versions").flatMap(text -> {
            for (String l : (Iterable<String>) text.lines()::iterator) {
                String[] words = l.strip().split("\\s+");
                if (words.length >= 2 && List.of(names).contains(words[0])) {
                    return Optional.of(words[1]);
                }
            }
            return Optional.empty();
        });
    }

    private static Optional<String> line(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Optional.of(m.group(1).strip()) : Optional.empty();
    }

    private static String resolve(String value, Map<String, String> properties) {
        String v = value;
        for (int i = 0; i < 5; i++) {
            Matcher m = Pattern.compile("^\\$\\{([^}]+)}$").matcher(v);
            if (!m.find() || !properties.containsKey(m.group(1))) {
                break;
            }
            v = properties.get(m.group(1));
        }
        return v.strip();
    }
}
