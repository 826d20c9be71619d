package dev.paddock.backup;

import java.util.List;

/**
 * A disk of a restore point: its size and its extents in offset order. Bytes no extent covers are zeros (holes:
 * unallocated or all-zero chunks are stored as nothing), so a map is always whole, an incremental point's too.
 */
public record DiskMap(String name, long size, List<Extent> extents) {

    public DiskMap {
        extents = List.copyOf(extents);
    }

    /** The bytes the extents cover: the disk's allocated size in the repository's view. */
    public long mappedBytes() {
        return extents.stream().mapToLong(Extent::length).sum();
    }
}
