package dev.sandboxjobs.engine;

/** The kind of a directory entry. */
public enum FileType { FILE, DIRECTORY, SYMLINK, OTHER }
