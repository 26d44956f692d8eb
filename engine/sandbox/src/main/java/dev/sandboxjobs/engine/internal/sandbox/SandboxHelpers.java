package dev.sandboxjobs.engine.internal.sandbox;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.internal.docker.ExecOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Small programs the engine ships into a sandbox when a feature needs them (the file watcher,
 * the remote-function runners and the Java runner's Jackson jars), so they work in any image that has their interpreter. Each is
 * installed under {@value #DIR} with its content hash in its name, once per container.
 */
final class SandboxHelpers {
    static final String DIR = "/var/lib/sandbox-jobs/helpers";
    private static final String RESOURCES = "/dev/sandboxjobs/engine/internal/helpers/";
    private static final Map<String, byte[]> CONTENT = new ConcurrentHashMap<>();

    private SandboxHelpers() {}

    /** Installs the helper {@code name} into the sandbox's container if missing; returns its path there. */
    static String install(SandboxRuntime sandbox, String name) {
        return install(sandbox, name, CONTENT.computeIfAbsent(name, SandboxHelpers::load));
    }

    /** Installs {@code content} as the helper {@code name} (a jar the engine ships, say) if missing; returns its path. */
    static String install(SandboxRuntime sandbox, String name, byte[] content) {
        String file = hash(content) + "-" + name;
        String path = DIR + "/" + file;
        return sandbox.call(() -> {
            ExecOutput present = sandbox.runInternal(List.of("test", "-f", path), 1024);
            if (present.exitCode() == 0) {
                return path;
            }
            ExecOutput made = sandbox.runInternal(List.of("mkdir", "-p", DIR), 4096);
            if (made.exitCode() != 0) {
                throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Cannot create " + DIR + " in sandbox "
                        + sandbox.id + ": " + made.stderrText());
            }
            sandbox.containers.putArchive(sandbox.containerId(), DIR, new ByteArrayInputStream(tar(file, content, 0755)));
            return path;
        });
    }

    private static byte[] load(String name) {
        try (InputStream in = SandboxHelpers.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("helper " + name + " is missing from the engine's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code content} as {@code dir/name} (mode 0644) in the running container; {@code dir} must exist. */
    static void put(SandboxRuntime sandbox, String dir, String name, byte[] content) {
        sandbox.containers.putArchive(sandbox.containerId(), dir, new ByteArrayInputStream(tar(name, content, 0644)));
    }

    private static byte[] tar(String file, byte[] content, int mode) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(content.length + 2048);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name())) {
            TarArchiveEntry entry = new TarArchiveEntry(file);
            entry.setSize(content.length);
            entry.setMode(0100000 | mode);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String hash(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
