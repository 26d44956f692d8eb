package dev.sandboxjobs.engine;

/** How file content travels as a string. */
public enum FileEncoding {
    /** Text, UTF-8. */
    UTF_8,
    /** Binary, base64 (RFC 4648, no line breaks). */
    BASE64
}
