package dev.sandboxjobs.engine;

import java.time.Instant;

/**
 * An entry of a directory listing.
 *
 * @param name     the entry's name
 * @param path     its absolute path
 * @param type     file, directory, symbolic link or other
 * @param size     size in bytes
 * @param modified last modification time
 */
public record FileInfo(String name, String path, FileType type, long size, Instant modified) {}
