package dev.paddock.backup;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Where every cluster of a qcow2 image of one disk map lies, and the bytes of its metadata clusters: pure arithmetic
 * on the map, no chunk read. The image is version 3, 64 KiB clusters, 16-bit refcounts, no backing file, no
 * compression, no encryption, no snapshots, and laid out in this order:
 * <pre>
 * header (cluster 0) | refcount table | refcount blocks | L1 table | L2 tables | data clusters, extent after extent
 * </pre>
 * Every cluster of the file is used exactly once (refcount 1, so every L1 and L2 entry carries the COPIED flag), and
 * the file is a whole number of clusters. Only the 512 MiB stretches of the disk that hold an extent get an L2 table,
 * and only the extents get data clusters: holes between extents are unallocated entries, which read as zeros since
 * there is no backing file. An extent's clusters are all allocated, zeros within it included (which of them are zeros
 * is known only once its chunk is read, and the layout is fixed before the first byte). Metadata therefore grows with
 * the extents, not with the disk: a 4 TiB disk needs a one-cluster L1 table, and with three extents seven metadata
 * clusters in all.
 *
 * <p>The virtual size is the disk's size rounded up to 512 bytes: QEMU counts a qcow2 disk in 512-byte sectors (and
 * reads a raw file of any other length as padded with zeros the same way); every real disk is a multiple of it.
 */
final class Qcow2Layout {

    static final int CLUSTER_BITS = 16;
    static final int CLUSTER = 1 << CLUSTER_BITS;
    static final int HEADER_LENGTH = 104;
    /** 8-byte entries per cluster: an L1 or refcount table cluster, or an L2 table (which maps 512 MiB of disk). */
    static final int ENTRIES = CLUSTER / 8;
    /** 16-bit refcounts per refcount block: one block counts 2 GiB of image. */
    static final int REFCOUNTS = CLUSTER / 2;
    static final long COPIED = 1L << 63;
    private static final int MAGIC = 0x514649fb; // "QFI\xfb"
    private static final int REFCOUNT_ORDER = 4;

    private final long virtualSize;
    private final long[] guestClusters;   // each extent's first guest cluster
    private final long[] firstData;       // each extent's first data cluster counted from the data start; one more
    private final long[] tables;          // the L1 indices that have an L2 table, ascending
    private final int l1Size;
    private final long refcountTable;     // first cluster of each region
    private final long refcountBlocks;
    private final long l1Table;
    private final long l2Tables;
    private final long data;
    private final long clusters;

    private Qcow2Layout(long virtualSize, long[] guestClusters, long[] firstData, long[] tables, int l1Size,
                        long refcountTableClusters, long refcountBlockCount) {
        this.virtualSize = virtualSize;
        this.guestClusters = guestClusters;
        this.firstData = firstData;
        this.tables = tables;
        this.l1Size = l1Size;
        this.refcountTable = 1;
        this.refcountBlocks = refcountTable + refcountTableClusters;
        this.l1Table = refcountBlocks + refcountBlockCount;
        this.l2Tables = l1Table + ceilDiv(l1Size, ENTRIES);
        this.data = l2Tables + tables.length;
        this.clusters = data + firstData[firstData.length - 1];
    }

    /** The layout of {@code map}'s image; its extents must be in offset order, cluster aligned and inside the disk. */
    static Qcow2Layout of(DiskMap map) {
        List<Extent> extents = map.extents();
        long[] guestClusters = new long[extents.size()];
        long[] firstData = new long[extents.size() + 1];
        long[] tables = new long[extents.size()];
        int tableCount = 0;
        long end = 0;
        for (int e = 0; e < extents.size(); e++) {
            Extent extent = extents.get(e);
            if (extent.offset() % CLUSTER != 0 || extent.length() <= 0 || extent.offset() < end
                    || extent.offset() + extent.length() > map.size()) {
                throw new IllegalArgumentException("disk " + map.name() + " of " + map.size() + " bytes cannot be a"
                        + " qcow2 image: its extent at offset " + extent.offset() + " of " + extent.length()
                        + " bytes is not cluster aligned, overlaps the one before, or ends past the disk");
            }
            end = extent.offset() + extent.length();
            guestClusters[e] = extent.offset() / CLUSTER;
            long count = ceilDiv(extent.length(), CLUSTER);
            firstData[e + 1] = firstData[e] + count;
            for (long table = guestClusters[e] / ENTRIES; table <= (guestClusters[e] + count - 1) / ENTRIES; table++) {
                if (tableCount == tables.length) {
                    tables = Arrays.copyOf(tables, tables.length * 2 + 1);
                }
                if (tableCount == 0 || tables[tableCount - 1] != table) {
                    tables[tableCount++] = table;
                }
            }
        }
        long virtualSize = ceilDiv(map.size(), 512) * 512;
        long l1Entries = ceilDiv(virtualSize, (long) CLUSTER * ENTRIES);
        if (l1Entries > (32 << 20) / 8) {
            throw new IllegalArgumentException("disk " + map.name() + " of " + map.size()
                    + " bytes is larger than a qcow2 image with 64 KiB clusters can be");
        }
        tables = Arrays.copyOf(tables, tableCount);
        // The refcount blocks count themselves and the table that points to them: grow both until they cover all.
        long fixed = 1 + ceilDiv(l1Entries, ENTRIES) + tableCount + firstData[extents.size()];
        long blocks = 1;
        long tableClusters = 1;
        while (true) {
            long total = fixed + tableClusters + blocks;
            long neededBlocks = ceilDiv(total, REFCOUNTS);
            long neededTable = ceilDiv(neededBlocks, ENTRIES);
            if (neededBlocks == blocks && neededTable == tableClusters) {
                break;
            }
            blocks = neededBlocks;
            tableClusters = neededTable;
        }
        return new Qcow2Layout(virtualSize, guestClusters, firstData, tables, (int) l1Entries, tableClusters, blocks);
    }

    /** The image's length in bytes: a whole number of clusters. */
    long length() {
        return clusters * CLUSTER;
    }

    long virtualSize() {
        return virtualSize;
    }

    /** Header, refcount table and blocks, L1 and L2 tables: the clusters before the first data cluster. */
    long metadataClusters() {
        return data;
    }

    int l1Size() {
        return l1Size;
    }

    int l2Tables() {
        return tables.length;
    }

    long refcountBlocks() {
        return l1Table - refcountBlocks;
    }

    /** Where extent {@code e}'s bytes start in the image. */
    long dataOffset(int e) {
        return (data + firstData[e]) * CLUSTER;
    }

    /** The clusters extent {@code e} takes in the image: its length rounded up to clusters. */
    long dataClusters(int e) {
        return firstData[e + 1] - firstData[e];
    }

    /** Fills {@code into} (one cluster) with metadata cluster {@code cluster} of the image. */
    void writeMetadata(long cluster, byte[] into) {
        if (cluster < 0 || cluster >= data || into.length != CLUSTER) {
            throw new IllegalArgumentException("cluster " + cluster + " is not one of the " + data
                    + " metadata clusters, or the buffer is not one cluster");
        }
        Arrays.fill(into, (byte) 0);
        ByteBuffer out = ByteBuffer.wrap(into);
        if (cluster == 0) {
            header(out);
        } else if (cluster < refcountBlocks) {
            long first = (cluster - refcountTable) * ENTRIES;
            for (long block = first; block < Math.min(first + ENTRIES, refcountBlocks()); block++) {
                out.putLong((int) (block - first) * 8, (refcountBlocks + block) * CLUSTER);
            }
        } else if (cluster < l1Table) {
            long first = (cluster - refcountBlocks) * REFCOUNTS;
            for (long counted = first; counted < Math.min(first + REFCOUNTS, clusters); counted++) {
                out.putShort((int) (counted - first) * 2, (short) 1);
            }
        } else if (cluster < l2Tables) {
            long first = (cluster - l1Table) * ENTRIES;
            for (long entry = first; entry < Math.min(first + ENTRIES, l1Size); entry++) {
                int table = Arrays.binarySearch(tables, entry);
                if (table >= 0) {
                    out.putLong((int) (entry - first) * 8, ((l2Tables + table) * CLUSTER) | COPIED);
                }
            }
        } else {
            l2Table((int) (cluster - l2Tables), out);
        }
    }

    private void header(ByteBuffer out) {
        out.putInt(MAGIC)
                .putInt(3)                       // version
                .putLong(0).putInt(0)            // no backing file
                .putInt(CLUSTER_BITS)
                .putLong(virtualSize)
                .putInt(0)                       // no encryption
                .putInt(l1Size)
                .putLong(l1Size == 0 ? 0 : l1Table * CLUSTER)
                .putLong(refcountTable * CLUSTER)
                .putInt((int) (refcountBlocks - refcountTable))
                .putInt(0).putLong(0)            // no snapshots
                .putLong(0).putLong(0).putLong(0) // incompatible, compatible, autoclear features: none
                .putInt(REFCOUNT_ORDER)
                .putInt(HEADER_LENGTH)
                .putInt(0).putInt(0);            // header extensions: the end marker alone
    }

    /** L2 table {@code table}: the data cluster of every guest cluster an extent covers in its 512 MiB stretch. */
    private void l2Table(int table, ByteBuffer out) {
        long firstGuest = tables[table] * ENTRIES;
        long lastGuest = firstGuest + ENTRIES;
        int e = firstExtentEndingAfter(firstGuest);
        for (; e < guestClusters.length && guestClusters[e] < lastGuest; e++) {
            long from = Math.max(guestClusters[e], firstGuest);
            long to = Math.min(guestClusters[e] + dataClusters(e), lastGuest);
            for (long guest = from; guest < to; guest++) {
                long host = data + firstData[e] + (guest - guestClusters[e]);
                out.putLong((int) (guest - firstGuest) * 8, (host * CLUSTER) | COPIED);
            }
        }
    }

    /** The first extent whose last guest cluster is at or after {@code guest}: extents' ends ascend with them. */
    private int firstExtentEndingAfter(long guest) {
        int low = 0;
        int high = guestClusters.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (guestClusters[middle] + dataClusters(middle) <= guest) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private static long ceilDiv(long value, long unit) {
        return (value + unit - 1) / unit;
    }
}
