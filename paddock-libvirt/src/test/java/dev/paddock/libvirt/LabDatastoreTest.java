package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.PoolFacts;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolSpec;
import dev.paddock.hypervisor.PoolType;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A shared directory is one datastore seen by two hosts; a guest on it can be snapshotted and reverted. */
@Tag("lab")
class LabDatastoreTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    private LibvirtHypervisor hypervisor;
    private final String id = UUID.randomUUID().toString();
    private final String pool = "ds-" + id.substring(0, 8);
    private Path directory;

    @BeforeEach
    void attach() throws Exception {
        hypervisor = new LibvirtHypervisor(LAB.lab().settings());
        for (Lab.Host host : LAB.lab().hosts().subList(0, 2)) {
            hypervisor.attach(host.id(), host.uri());
        }
        directory = Files.createDirectories(LAB.lab().shared().resolve(pool));
    }

    private PoolSpec dirPool() {
        return new PoolSpec(pool, PoolType.DIR, PoolSource.NONE, directory.toString());
    }

    @AfterEach
    void remove() {
        try {
            String h1 = LAB.lab().host(1).id();
            if (hypervisor.domain(h1, id).isPresent()) {
                hypervisor.destroy(h1, id);
                hypervisor.undefine(h1, id);
            }
            for (Lab.Host host : LAB.lab().hosts().subList(0, 2)) {
                hypervisor.undefinePool(host.id(), pool);
            }
        } finally {
            hypervisor.close();
        }
    }

    @Test
    @DisplayName("a volume made through one host's pool is the same file in the other host's pool over the same directory")
    void sharedDatastore() {
        String h1 = LAB.lab().host(1).id();
        String h2 = LAB.lab().host(2).id();

        PoolFacts onH1 = hypervisor.definePool(h1, dirPool());
        hypervisor.definePool(h2, dirPool());
        String made = hypervisor.createVolume(h1, pool, "disk1.qcow2", 64, "qcow2").path();
        String seen = hypervisor.createVolume(h2, pool, "disk1.qcow2", 64, "qcow2").path();

        assertThat(onH1.active()).isTrue();
        assertThat(onH1.type()).isEqualTo(PoolType.DIR);
        assertThat(onH1.targetPath()).isEqualTo(directory.toString());
        assertThat(onH1.capacityBytes()).isPositive();
        assertThat(made).isEqualTo(seen).isEqualTo(directory.resolve("disk1.qcow2").toString());
        assertThat(Files.exists(Path.of(made))).isTrue();
        assertThat(hypervisor.pools(h2)).extracting(PoolFacts::name).contains(pool);
        assertThat(hypervisor.volumes(h2, pool)).extracting(VolumeFacts::name).containsExactly("disk1.qcow2");

        hypervisor.deleteVolume(h2, pool, "disk1.qcow2");
        assertThat(Files.exists(Path.of(made))).isFalse();
        hypervisor.deleteVolume(h1, pool, "disk1.qcow2");
    }

    @Test
    @DisplayName("a running guest is snapshotted, reverted to its snapshot, and the snapshot deleted")
    void snapshots() {
        String h1 = LAB.lab().host(1).id();
        hypervisor.definePool(h1, dirPool());
        String disk = hypervisor.createVolume(h1, pool, id + ".qcow2", 64, "qcow2").path();
        DomainSpec lab = LAB.lab().guest(id, "snap-" + id.substring(0, 8), 1, 128);
        DomainSpec guest = lab.withDisks(List.of(new DomainSpec.DiskSpec("vda", disk, "qcow2", 1)));
        hypervisor.define(h1, guest);
        hypervisor.start(h1, id);

        hypervisor.storage().snapshot(h1, id, "before-upgrade");
        assertThat(hypervisor.storage().snapshots(h1, id)).containsExactly("before-upgrade");
        hypervisor.storage().revertToSnapshot(h1, id, "before-upgrade");
        assertThat(hypervisor.domain(h1, id)).map(d -> d.state()).isEqualTo(Optional.of(VmState.RUNNING));
        hypervisor.storage().deleteSnapshot(h1, id, "before-upgrade");

        assertThat(hypervisor.storage().snapshots(h1, id)).isEmpty();
    }

    /**
     * This kernel has no NFS client and no SCSI initiator: the kernel-mount forms a production host uses are refused
     * when they start, and the definition made for them is gone again.
     */
    @ParameterizedTest(name = "a {0} pool that cannot start fails and leaves no definition")
    @ValueSource(strings = {"netfs", "iscsi"})
    void kernelFormsLeaveNothing(String type) {
        String h1 = LAB.lab().host(1).id();
        PoolSpec spec = type.equals("netfs")
                ? new PoolSpec(pool, PoolType.NETFS, PoolSource.nfs(LAB.lab().iscsi().portal(), "/export"),
                        directory.toString())
                : new PoolSpec(pool, PoolType.ISCSI, PoolSource.iscsi(LAB.lab().iscsi().portal(),
                        LAB.lab().iscsi().iqn()), "");

        assertThatThrownBy(() -> hypervisor.definePool(h1, spec))
                .isInstanceOf(HypervisorException.class)
                .hasMessageContaining(pool);

        assertThat(hypervisor.pools(h1)).extracting(PoolFacts::name).doesNotContain(pool);
    }
}
