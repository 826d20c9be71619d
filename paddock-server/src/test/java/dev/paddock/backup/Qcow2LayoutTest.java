package dev.paddock.backup;

import static dev.paddock.backup.Qcow2Layout.CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The layout of a qcow2 image of a disk map, read back from its own metadata clusters. */
class Qcow2LayoutTest {

    private static final long MIB = 1 << 20;
    private static final long GIB = 1L << 30;
    private static final long TIB = 1L << 40;
    private static final int CHUNK = 4 << 20;

    private static DiskMap map(long size, Extent... extents) {
        return new DiskMap("vda", size, List.of(extents));
    }

    private static Extent extent(long offset, int length) {
        return new Extent(offset, length, "c" + offset);
    }

    private static ByteBuffer metadata(Qcow2Layout layout, long cluster) {
        byte[] bytes = new byte[CLUSTER];
        layout.writeMetadata(cluster, bytes);
        return ByteBuffer.wrap(bytes);
    }

    @Test
    void a_4_tib_disk_with_three_extents_takes_seven_metadata_clusters() {
        Qcow2Layout layout = Qcow2Layout.of(map(4 * TIB,
                extent(0, CHUNK), extent(TIB + 64 * MIB, CHUNK), extent(4 * TIB - CHUNK, CHUNK)));

        assertThat(layout.l1Size()).as("one L1 entry per 512 MiB: 64 KiB, one cluster").isEqualTo(8192);
        assertThat(layout.l2Tables()).isEqualTo(3);
        assertThat(layout.refcountBlocks()).isEqualTo(1);
        assertThat(layout.metadataClusters()).as("header, refcount table and block, L1, three L2").isEqualTo(7);
        assertThat(layout.length()).isEqualTo(7L * CLUSTER + 3L * CHUNK);
    }

    @Test
    void a_dense_64_gib_disk_has_an_l2_table_per_512_mib_and_a_refcount_block_per_2_gib_of_image() {
        List<Extent> extents = new ArrayList<>();
        for (long offset = 0; offset < 64 * GIB; offset += CHUNK) {
            extents.add(extent(offset, CHUNK));
        }
        Qcow2Layout layout = Qcow2Layout.of(new DiskMap("vda", 64 * GIB, extents));

        assertThat(layout.l2Tables()).isEqualTo(128);
        // 1 header + 1 refcount table + 33 blocks + 1 L1 + 128 L2 + 1 Mi data clusters = 1,048,740 clusters
        assertThat(layout.refcountBlocks()).isEqualTo(33);
        assertThat(layout.metadataClusters()).isEqualTo(164);
        assertThat(layout.length()).isEqualTo(64 * GIB + 164L * CLUSTER);
    }

    @Test
    void an_empty_disk_is_a_header_a_refcount_table_and_one_refcount_block() {
        Qcow2Layout layout = Qcow2Layout.of(map(0));

        assertThat(layout.length()).isEqualTo(3L * CLUSTER);
        assertThat(layout.l1Size()).isZero();
        ByteBuffer header = metadata(layout, 0);
        assertThat(header.getLong(24)).as("size").isZero();
        assertThat(header.getLong(40)).as("L1 table offset: none, as qemu-img create writes it").isZero();
    }

    static Stream<Arguments> sizes() {
        return Stream.of(
                Arguments.of("one byte is one sector", 1L, 512L, 1),
                Arguments.of("a sector is itself", 512L, 512L, 1),
                Arguments.of("70,000 bytes round up to 137 sectors", 70_000L, 70_144L, 1),
                Arguments.of("512 MiB take one L1 entry", 512 * MIB, 512 * MIB, 1),
                Arguments.of("512 MiB and a byte take two", 512 * MIB + 1, 512 * MIB + 512, 2),
                Arguments.of("2 TiB take 4096", 2 * TIB, 2 * TIB, 4096));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sizes")
    void the_header_says_version_3_64_kib_clusters_16_bit_refcounts_and_the_size_in_sectors(
            String name, long size, long virtualSize, int l1Size) {
        Qcow2Layout layout = Qcow2Layout.of(map(size));
        ByteBuffer header = metadata(layout, 0);

        assertThat(header.getInt(0)).as("magic").isEqualTo(0x514649fb);
        assertThat(header.getInt(4)).as("version").isEqualTo(3);
        assertThat(header.getLong(8)).as("backing file offset").isZero();
        assertThat(header.getInt(20)).as("cluster bits").isEqualTo(16);
        assertThat(header.getLong(24)).as("size").isEqualTo(virtualSize);
        assertThat(header.getInt(32)).as("encryption").isZero();
        assertThat(header.getInt(36)).as("L1 size").isEqualTo(l1Size);
        assertThat(header.getLong(40)).as("L1 offset: after the one refcount block").isEqualTo(3L * CLUSTER);
        assertThat(header.getLong(48)).as("refcount table offset").isEqualTo(CLUSTER);
        assertThat(header.getInt(56)).as("refcount table clusters").isEqualTo(1);
        assertThat(header.getInt(60)).as("snapshots").isZero();
        assertThat(header.getLong(72)).as("incompatible features").isZero();
        assertThat(header.getLong(80)).as("compatible features").isZero();
        assertThat(header.getLong(88)).as("autoclear features").isZero();
        assertThat(header.getInt(96)).as("refcount order").isEqualTo(4);
        assertThat(header.getInt(100)).as("header length").isEqualTo(104);
        assertThat(header.getLong(104)).as("end of header extensions").isZero();
        assertThat(layout.virtualSize()).isEqualTo(virtualSize);
    }

    /**
     * The refcount blocks count the clusters they take: 32,766 other clusters fit one block with its table; one
     * more needs a second block, which fits too.
     */
    @ParameterizedTest(name = "{0} data clusters: {1} refcount blocks")
    @MethodSource("refcountBoundary")
    void every_cluster_of_the_image_has_refcount_one_and_no_other_does(int dataClusters, int blocks) {
        // one extent over a 4 GiB disk: 1 header, 1 refcount table, 1 L1 cluster, 4 L2 tables, then the data
        Qcow2Layout layout = Qcow2Layout.of(map(4 * GIB, extent(0, dataClusters * CLUSTER)));
        long clusters = layout.length() / CLUSTER;

        assertThat(layout.refcountBlocks()).isEqualTo(blocks);
        assertThat(clusters).isEqualTo(1 + 1 + blocks + 1 + 4 + dataClusters);
        ByteBuffer table = metadata(layout, 1);
        long counted = 0;
        for (int block = 0; block < Qcow2Layout.ENTRIES; block++) {
            long offset = table.getLong(block * 8);
            if (block >= blocks) {
                assertThat(offset).as("refcount table entry " + block).isZero();
                continue;
            }
            assertThat(offset).isEqualTo((2L + block) * CLUSTER);
            ByteBuffer refcounts = metadata(layout, offset / CLUSTER);
            for (int i = 0; i < Qcow2Layout.REFCOUNTS; i++) {
                long cluster = (long) block * Qcow2Layout.REFCOUNTS + i;
                assertThat(refcounts.getShort(i * 2)).as("refcount of cluster " + cluster)
                        .isEqualTo((short) (cluster < clusters ? 1 : 0));
                counted += refcounts.getShort(i * 2);
            }
        }
        assertThat(counted).isEqualTo(clusters);
    }

    static Stream<Arguments> refcountBoundary() {
        return Stream.of(Arguments.of(32_760, 1), Arguments.of(32_761, 2));
    }

    @Test
    void every_guest_cluster_of_an_extent_maps_to_its_data_and_every_other_is_unallocated() {
        DiskMap map = map(2 * GIB + 1000,
                extent(0, CHUNK),
                extent(512 * MIB - 2 * CLUSTER, 3 * CLUSTER + 1), // across an L2 table's stretch, ends mid-cluster
                extent(GIB + CHUNK, CHUNK),
                extent(2 * GIB, 1000));                           // the last, short one
        Qcow2Layout layout = Qcow2Layout.of(map);
        long[] expected = new long[(int) ((layout.virtualSize() + CLUSTER - 1) / CLUSTER)];
        for (int e = 0; e < map.extents().size(); e++) {
            Extent extent = map.extents().get(e);
            for (long c = 0; c < layout.dataClusters(e); c++) {
                expected[(int) (extent.offset() / CLUSTER + c)] = layout.dataOffset(e) + c * CLUSTER;
            }
        }

        ByteBuffer l1 = metadata(layout, metadata(layout, 0).getLong(40) / CLUSTER);
        Map<Long, ByteBuffer> tables = new HashMap<>();
        for (int guest = 0; guest < expected.length; guest++) {
            long l1Entry = l1.getLong(guest / Qcow2Layout.ENTRIES * 8);
            long l2Entry = 0;
            if (l1Entry != 0) {
                assertThat(l1Entry & Qcow2Layout.COPIED).as("L1 entries carry COPIED").isNotZero();
                ByteBuffer l2 = tables.computeIfAbsent(l1Entry & ~Qcow2Layout.COPIED,
                        offset -> metadata(layout, offset / CLUSTER));
                l2Entry = l2.getLong(guest % Qcow2Layout.ENTRIES * 8);
            }
            long host = l2Entry & ~Qcow2Layout.COPIED;
            assertThat(host).as("guest cluster " + guest).isEqualTo(expected[guest]);
            assertThat(l2Entry == 0 || (l2Entry & Qcow2Layout.COPIED) != 0).as("L2 entries carry COPIED").isTrue();
        }
        assertThat(layout.l2Tables()).isEqualTo(4);
        assertThat(layout.dataOffset(0)).isEqualTo(layout.metadataClusters() * CLUSTER);
        assertThat(layout.dataClusters(1)).as("3 clusters and a byte").isEqualTo(4);
        assertThat(layout.length()).isEqualTo(layout.dataOffset(3) + CLUSTER);
    }

    static Stream<Arguments> invalidMaps() {
        return Stream.of(
                Arguments.of("an extent not on a cluster boundary", map(GIB, extent(4096, CHUNK))),
                Arguments.of("an extent over the one before", map(GIB, extent(0, CHUNK), extent(CHUNK - CLUSTER, 10))),
                Arguments.of("an extent past the disk's end", map(CHUNK, extent(0, CHUNK + 1))),
                Arguments.of("an empty extent", map(CHUNK, extent(0, 0))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidMaps")
    void a_map_no_repository_writes_is_refused(String name, DiskMap map) {
        assertThatThrownBy(() -> Qcow2Layout.of(map))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be a qcow2 image");
    }
}
