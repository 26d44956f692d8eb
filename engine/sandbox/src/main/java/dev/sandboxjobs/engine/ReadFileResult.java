package dev.sandboxjobs.engine;

/**
 * A file's content as read by {@code readFile}.
 *
 * @param path     the absolute path that was read
 * @param content  the content, as text or base64 according to {@code encoding}
 * @param encoding how {@code content} is encoded
 * @param size     the file's size in bytes
 */
public record ReadFileResult(String path, String content, FileEncoding encoding, long size) {}
