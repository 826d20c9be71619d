package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Image;
import dev.paddock.model.NfsExport;
import dev.paddock.model.Nic;
import dev.paddock.operation.plan.Step;
import dev.paddock.provisioning.CloudInit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The steps that make a new VM's disks on an nfs datastore: the server makes each one on the export (a linked clone,
 * a copy at least as large as its image, an empty image, the seed with the VM's first MAC), whichever host the VM
 * goes to, while a disk on a pool beside them is made in that host's pool.
 */
class NfsDiskPlanTest {

    private static final long GIB = 1L << 30;
    private static final NfsExport EXPORT = new NfsExport("10.79.0.200", "/export/paddock");
    private static final Datastore NAS = Datastore.onNfs("d1", "s1", "nas", Set.of("h1", "h2"), EXPORT, 100 * GIB,
            50 * GIB);
    private static final Datastore LOCAL = Datastore.ofPools("d2", "s1", "local", false, Set.of("h2"), "dir",
            "host:h2:/var/lib/paddock/local", 100 * GIB, 50 * GIB, Map.of("h2", "local"));
    private static final Image TINY = new Image("i1", "d1", "tiny.qcow2", "tiny.qcow2", "qcow2", 3 * GIB,
            "0".repeat(64));
    private static final String MAC = "52:54:00:12:34:56";

    @Test
    @DisplayName("a linked clone, a copy, an empty disk and the seed on an NFS export are made by the server there;"
            + " a disk on a pool in the chosen host's pool")
    void disksOnTheExport() {
        Disk root = new Disk("root", "d1", 8, "web-0001-root.qcow2", "qcow2", false, Optional.of("i1"), true);
        Disk copy = new Disk("disk1", "d1", 1, "web-0001-disk1.qcow2", "qcow2", false, Optional.of("i1"), false);
        Disk empty = Disk.empty("disk2", "d1", 2, "web-0001-disk2.qcow2");
        Disk local = Disk.empty("disk3", "d2", 4, "web-0001-disk3.qcow2");
        Disk seed = new Disk(NewVmDisks.SEED, "d1", 0, "web-0001-seed.iso", "raw", true, Optional.empty(), false);
        NewVmDisks disks = new NewVmDisks(List.of(root, copy, empty, local, seed), Map.of("root", TINY, "disk1", TINY),
                Optional.of(new CloudInit("web", List.of(), Optional.of(new CloudInit.Dhcp(
                        NewVmDisks.PLACEHOLDER_MAC)))), Set.of());

        List<Step> steps = disks.steps("h2", Map.of("d1", NAS, "d2", LOCAL), "vm-1", List.of(new Nic("n1", MAC)));

        assertThat(steps).hasSize(5);
        assertThat(steps.subList(0, 4)).containsExactly(
                new Step.CloneNfsVolume("d1", EXPORT, "web-0001-root.qcow2", "tiny.qcow2", "qcow2", true, 8 * GIB),
                new Step.CloneNfsVolume("d1", EXPORT, "web-0001-disk1.qcow2", "tiny.qcow2", "qcow2", false, 3 * GIB),
                new Step.CreateNfsVolume("d1", EXPORT, "web-0001-disk2.qcow2", "qcow2", 2 * GIB),
                new Step.CreateVolume("h2", "local", "web-0001-disk3.qcow2", 4 * 1024, "qcow2"));
        Step.WriteNfsSeed written = (Step.WriteNfsSeed) steps.get(4);
        assertThat(written.datastoreId()).isEqualTo("d1");
        assertThat(written.export()).isEqualTo(EXPORT);
        assertThat(written.name()).isEqualTo("web-0001-seed.iso");
        assertThat(written.metaData()).contains("vm-1");
        assertThat(written.networkConfig()).contains(MAC).doesNotContain(NewVmDisks.PLACEHOLDER_MAC);
    }

    @Test
    @DisplayName("a disk that is a file of the export already is used as it is: nothing is made")
    void existingFileKept() {
        Disk given = new Disk("root", "d1", 1, "given.qcow2", "qcow2", false, Optional.empty(), false);
        NewVmDisks disks = new NewVmDisks(List.of(given), Map.of(), Optional.empty(), Set.of("root"));

        assertThat(disks.steps("h1", Map.of("d1", NAS), "vm-1", List.of())).isEmpty();
    }
}
