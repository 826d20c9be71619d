package dev.paddock.backup;

/** {@code length} bytes of a disk at {@code offset} (a multiple of the chunk size) hold chunk {@code chunk}. */
public record Extent(long offset, int length, String chunk) {}
