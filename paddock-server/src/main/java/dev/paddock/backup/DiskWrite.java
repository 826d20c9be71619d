package dev.paddock.backup;

/**
 * What writing one disk into a point did: {@code chunks} extents in its map, of which {@code stored} were new to the
 * repository and {@code reused} were already there (deduplicated, or kept from the previous point), {@code holes}
 * chunk-sized spans that are all zeros, {@code bytesRead} from the source, {@code bytesStored} written to chunk files.
 */
public record DiskWrite(String disk, long size, int chunks, int stored, int reused, int holes, long bytesRead,
                        long bytesStored) {}
