package dev.sandboxjobs.engine.internal.backup;

import dev.sandboxjobs.engine.DirectoryBackup;
import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups as files in a directory of the engine's host: {@code <id>.tar.gz} and {@code <id>.json}.
 * The description is written last, so a backup is listed only once its archive is complete.
 */
public final class LocalBackupStore implements BackupStore {
    private static final Logger LOG = LoggerFactory.getLogger(LocalBackupStore.class);
    private final Path dir;

    public LocalBackupStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    @Override
    public void put(DirectoryBackup backup, Path archive) {
        try {
            Files.createDirectories(dir);
            move(archive, dir.resolve(backup.id() + ".tar.gz"));
            Path meta = Files.createTempFile(dir, backup.id(), ".json.tmp");
            Files.write(meta, BackupJson.write(backup));
            move(meta, dir.resolve(backup.id() + ".json"));
        } catch (IOException e) {
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Cannot store the backup in " + dir + ": " + e.getMessage()
                    + ". Check the data directory (permissions, free space).", e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public Optional<InputStream> open(String id) {
        if (!BackupJson.ID.matcher(String.valueOf(id)).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.newInputStream(dir.resolve(id + ".tar.gz")));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Cannot read backup " + id + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Optional<DirectoryBackup> find(String id) {
        if (id == null || !BackupJson.ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Path meta = dir.resolve(id + ".json");
        try {
            return Optional.of(BackupJson.read(Files.readAllBytes(meta)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("Ignoring the unreadable backup description {}", meta, e);
            return Optional.empty();
        }
    }

    @Override
    public List<DirectoryBackup> list() {
        List<DirectoryBackup> all = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return all;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).forEach(id -> find(id).ifPresent(all::add));
        } catch (IOException e) {
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Cannot list the backups in " + dir + ": " + e.getMessage(), e);
        }
        all.sort(Comparator.comparing(DirectoryBackup::createdAt).thenComparing(DirectoryBackup::id));
        return all;
    }

    @Override
    public boolean delete(String id) {
        if (id == null || !BackupJson.ID.matcher(id).matches()) {
            return false;
        }
        try {
            boolean existed = Files.deleteIfExists(dir.resolve(id + ".json"));
            return Files.deleteIfExists(dir.resolve(id + ".tar.gz")) || existed;
        } catch (IOException e) {
            throw new SandboxException(ErrorCode.SANDBOX_ERROR, "Cannot delete backup " + id + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String location() {
        return dir.toString();
    }
}
