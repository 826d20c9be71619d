package dev.paddock.sim;

import static dev.paddock.sim.SimulatedHypervisorTest.assertReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.HypervisorException.Reason;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.PoolFacts;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolSpec;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.Resources;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The simulated room's pools: shared storage seen alike from every host, a directory on its own host's disk. */
class SimStorageTest {

    private static final long GIB = 1L << 30;
    private static final PoolSource NFS = PoolSource.nfs("nas", "/export/vms");
    private static final PoolSpec SHARED = new PoolSpec("nfs", PoolType.NETFS, NFS, "/mnt/nfs");

    private final SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 3);

    @BeforeEach
    void twoHostsAndAnNfsServer() {
        sim.addHost("a", Resources.of(8_000, 16_384, 200, 1_000));
        sim.addHost("b", Resources.of(8_000, 16_384, 100, 1_000));
        sim.attach("A", "sim://a");
        sim.attach("B", "sim://b");
        sim.addStorage(PoolType.NETFS, NFS, 10 * GIB);
    }

    @Test
    @DisplayName("a volume made through one host's pool takes free space from the other host's pool over the same export")
    void sharedFreeSpace() {
        sim.definePool("A", SHARED);
        sim.definePool("B", SHARED);

        sim.createVolume("A", "nfs", "disk.qcow2", 1024, "qcow2");

        PoolFacts seenFromB = sim.pools("B").getFirst();
        assertThat(seenFromB.capacityBytes()).isEqualTo(10 * GIB);
        assertThat(seenFromB.availableBytes()).isEqualTo(9 * GIB);
        assertThat(seenFromB.allocationBytes()).isEqualTo(GIB);
        assertThat(sim.volumes("B", "nfs")).extracting(VolumeFacts::name).containsExactly("disk.qcow2");
    }

    @Test
    @DisplayName("a linked clone is a small qcow2 layer over its image; a full clone takes the image's room; an upload"
            + " is probed as libvirt probes it")
    void clonesAndUploads() throws Exception {
        sim.definePool("A", SHARED);
        byte[] qcow2 = new byte[8192];
        qcow2[0] = 'Q';
        qcow2[1] = 'F';
        qcow2[2] = 'I';
        qcow2[3] = (byte) 0xfb;
        qcow2[28] = 0x40; // 1 GiB virtual
        VolumeFacts image = sim.uploadVolume("A", "nfs", "base.qcow2", qcow2.length,
                new java.io.ByteArrayInputStream(qcow2));

        VolumeFacts linked = sim.cloneVolume("A", "nfs", "vm-root.qcow2", "base.qcow2", true, 4 * GIB, share -> { });
        VolumeFacts full = sim.cloneVolume("A", "nfs", "vm-copy.qcow2", "base.qcow2", false, 0, share -> { });
        var out = new java.io.ByteArrayOutputStream();
        sim.downloadVolume("A", "nfs", "vm-copy.qcow2", out);

        assertThat(image.format()).isEqualTo("qcow2");
        assertThat(image.capacityBytes()).isEqualTo(GIB);
        assertThat(linked.backingStore()).hasValue(image.path());
        assertThat(linked.capacityBytes()).isEqualTo(4 * GIB);
        assertThat(linked.allocationBytes()).isLessThan(GIB / 1024);
        assertThat(full.backingStore()).isEmpty();
        assertThat(out.toByteArray()).isEqualTo(qcow2);
        assertThatThrownBy(() -> sim.uploadVolume("A", "nfs", "base.qcow2", 1, new java.io.ByteArrayInputStream(
                new byte[1]))).isInstanceOf(HypervisorException.class);
        assertThatThrownBy(() -> sim.uploadVolume("A", "nfs", "short", 10, new java.io.ByteArrayInputStream(
                new byte[3]))).hasMessageContaining("ended after 3 of 10 bytes");
        assertThat(sim.importVolume("A", "nfs", "again.qcow2", image.path()).capacityBytes()).isEqualTo(GIB);
        assertThatThrownBy(() -> sim.importVolume("A", "nfs", "x", "/nowhere/x.qcow2"))
                .hasMessage("host A has no file /nowhere/x.qcow2");
    }

    @Test
    @DisplayName("an iSCSI target offers one LUN as large as itself, allocated whole, which no host can delete")
    void iscsiLun() {
        PoolSource san = PoolSource.iscsiDirect("san", "iqn.2026-12.dev.san:t", "iqn.2026-12.dev.paddock:a");
        sim.addStorage(PoolType.ISCSI_DIRECT, san, 2 * GIB);
        sim.definePool("A", new PoolSpec("san", PoolType.ISCSI_DIRECT, san, ""));

        assertThat(sim.volumes("A", "san")).singleElement().satisfies(lun -> {
            assertThat(lun.name()).isEqualTo("unit:0:0:1");
            assertThat(lun.capacityBytes()).isEqualTo(2 * GIB);
        });
        assertThat(sim.pools("A").getFirst().availableBytes()).isZero();
        assertReason(() -> sim.deleteVolume("A", "san", "unit:0:0:1"), Reason.INVALID_STATE);
        assertThat(sim.volumes("A", "san")).hasSize(1);
    }

    @Test
    @DisplayName("defining a pool again, or under another name over the same export, keeps the one there")
    void idempotent() {
        sim.definePool("A", SHARED);

        PoolFacts again = sim.definePool("A", SHARED);
        PoolFacts renamed = sim.definePool("A", new PoolSpec("other", PoolType.NETFS, NFS, "/mnt/other"));

        assertThat(again.name()).isEqualTo("nfs");
        assertThat(renamed.name()).isEqualTo("nfs");
        assertThat(sim.pools("A")).hasSize(1);
    }

    @Test
    @DisplayName("a pool name taken by other storage, an export no server offers, a volume larger than the free space are refused")
    void refusals() {
        sim.definePool("A", SHARED);

        assertReason(() -> sim.definePool("A", new PoolSpec("nfs", PoolType.DIR, PoolSource.NONE, "/d")),
                Reason.ALREADY_EXISTS);
        assertReason(() -> sim.definePool("A", new PoolSpec("x", PoolType.NETFS, PoolSource.nfs("nas", "/none"),
                "/mnt/x")), Reason.FAILED);
        assertReason(() -> sim.createVolume("A", "nfs", "big", 11 * 1024, "qcow2"), Reason.INSUFFICIENT_RESOURCES);
        assertReason(() -> sim.volumes("A", "missing"), Reason.NOT_FOUND);
    }

    @Test
    @DisplayName("a volume grows to a larger size, taking the growth from its pool; the same size changes nothing")
    void resize() {
        sim.definePool("A", SHARED);
        sim.createVolume("A", "nfs", "disk.qcow2", 1024, "qcow2");

        VolumeFacts grown = sim.resizeVolume("A", "nfs", "disk.qcow2", 3 * GIB);
        VolumeFacts again = sim.resizeVolume("A", "nfs", "disk.qcow2", 3 * GIB);

        assertThat(grown.capacityBytes()).isEqualTo(3 * GIB);
        assertThat(again).isEqualTo(grown);
        assertThat(sim.pools("A").getFirst().availableBytes()).isEqualTo(7 * GIB);
    }

    @Test
    @DisplayName("a volume is never shrunk, never grown beyond its pool's free space, and must exist")
    void resizeRefusals() {
        sim.definePool("A", SHARED);
        sim.createVolume("A", "nfs", "disk.qcow2", 2048, "qcow2");

        assertReason(() -> sim.resizeVolume("A", "nfs", "disk.qcow2", GIB), Reason.INVALID_ARGUMENT);
        assertReason(() -> sim.resizeVolume("A", "nfs", "disk.qcow2", 11 * GIB), Reason.INSUFFICIENT_RESOURCES);
        assertReason(() -> sim.resizeVolume("A", "nfs", "none.qcow2", 3 * GIB), Reason.NOT_FOUND);
        assertThat(sim.volumes("A", "nfs").getFirst().capacityBytes()).isEqualTo(2 * GIB);
    }

    @Test
    @DisplayName("a directory pool is its host's disk, other on each host, and undefining it leaves none")
    void directory() {
        PoolSpec local = new PoolSpec("local", PoolType.DIR, PoolSource.NONE, "/var/lib/paddock");
        sim.definePool("A", local);
        sim.definePool("B", local);
        sim.createVolume("A", "local", "v", 1024, "raw");

        assertThat(sim.pools("A").getFirst().capacityBytes()).isEqualTo(200 * GIB);
        assertThat(sim.pools("B").getFirst().availableBytes()).isEqualTo(100 * GIB);
        assertThat(sim.volumes("B", "local")).isEmpty();

        sim.undefinePool("A", "local");
        sim.undefinePool("A", "local");
        assertThat(sim.pools("A")).isEmpty();
    }
}
