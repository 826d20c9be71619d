package dev.paddock.backup;

import java.io.IOException;

/**
 * Reads a disk's current bytes at an offset: where an incremental point's changed ranges come from. The writer asks
 * from several threads at once.
 */
@FunctionalInterface
public interface RangeSource {

    /** Fills {@code into[at, at + length)} with the disk's bytes from {@code offset}. */
    void read(long offset, byte[] into, int at, int length) throws IOException;
}
