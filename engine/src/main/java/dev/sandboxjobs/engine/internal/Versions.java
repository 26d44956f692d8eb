package dev.sandboxjobs.engine.internal;

import java.io.InputStream;
import java.util.Properties;

/** The library's version, from a resource filtered by Maven. */
public final class Versions {
    private static final String VERSION = load();

    private Versions() {}

    public static String projectVersion() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Versions.class.getResourceAsStream("/dev/sandboxjobs/engine/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version");
            return v == null || v.contains("${") ? "0.1.0-SNAPSHOT" : v;
        } catch (Exception e) {
            return "0.1.0-SNAPSHOT";
        }
    }
}
