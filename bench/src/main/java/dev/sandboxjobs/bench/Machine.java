package dev.sandboxjobs.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The machine a run measured on. */
final class Machine {
    private Machine() {}

    static Map<String, Object> describe(String image) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        m.put("memory", memTotal());
        m.put("loadAverage", load());
        m.put("docker", safe(() -> Cli.run("docker", "version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})")));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("maxHeap", Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        if (image != null) {
            m.put("image", image);
        }
        return m;
    }

    private static String memTotal() {
        return safe(() -> Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " "));
    }

    private static String load() {
        return safe(() -> Files.readString(Path.of("/proc/loadavg")).trim());
    }

    interface Source {
        String get() throws Exception;
    }

    private static String safe(Source s) {
        try {
            return s.get();
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
