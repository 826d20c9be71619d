package dev.paddock.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A pool spec is refused, with a sentence naming the field, when its type lacks what it needs. */
class PoolSpecTest {

    private static final String TARGET = "iqn.2026-12.dev.paddock:lab";

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            dir without a directory               | the directory (target path) of a dir pool
            netfs without a server                | the NFS server is required
            netfs without an export               | the NFS export directory must be an absolute path
            iscsi with a malformed IQN            | the iSCSI target IQN must be an IQN
            iscsi-direct without an initiator     | the initiator IQN of an iscsi-direct pool must be an IQN
            rbd without a Ceph pool               | the Ceph pool name is required
            a name with a space                   | a pool name is 1 to 63 letters
            """)
    void refused(String which, String message) {
        assertThatThrownBy(() -> spec(which)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    private static PoolSpec spec(String which) {
        return switch (which) {
            case "dir without a directory" -> new PoolSpec("p", PoolType.DIR, PoolSource.NONE, "");
            case "netfs without a server" -> new PoolSpec("p", PoolType.NETFS, PoolSource.NONE, "/mnt/p");
            case "netfs without an export" -> new PoolSpec("p", PoolType.NETFS, PoolSource.nfs("nfs", ""), "/mnt/p");
            case "iscsi with a malformed IQN" -> new PoolSpec("p", PoolType.ISCSI, PoolSource.iscsi("san", "lab"), "");
            case "iscsi-direct without an initiator" -> new PoolSpec("p", PoolType.ISCSI_DIRECT,
                    new PoolSource(List.of("san"), TARGET, Optional.empty()), "");
            case "rbd without a Ceph pool" -> new PoolSpec("p", PoolType.RBD, PoolSource.rbd(List.of("mon"), ""), "");
            case "a name with a space" -> new PoolSpec("p q", PoolType.DIR, PoolSource.NONE, "/d");
            default -> throw new IllegalArgumentException(which);
        };
    }

    @Test
    @DisplayName("the same NFS export named with another case of server and a trailing slash is the same storage")
    void nfsKey() {
        assertThat(PoolSource.nfs("NAS.lab", "/export/vms/").storageKey(PoolType.NETFS, "/mnt/a"))
                .isEqualTo(PoolSource.nfs("nas.lab", "/export/vms").storageKey(PoolType.NETFS, "/mnt/b"));
    }

    @Test
    @DisplayName("one iSCSI target reached by the kernel's initiator or by libvirt's is the same storage")
    void iscsiKey() {
        assertThat(PoolSource.iscsi("10.79.0.2", TARGET).storageKey(PoolType.ISCSI, "/dev/disk/by-path"))
                .isEqualTo(PoolSource.iscsiDirect("10.79.0.2", TARGET, "iqn.2026-12.dev.paddock:h1")
                        .storageKey(PoolType.ISCSI_DIRECT, ""));
    }

    @Test
    @DisplayName("another target on the same portal, or another export on the same server, is other storage")
    void otherStorage() {
        assertThat(PoolSource.iscsi("10.79.0.2", TARGET).storageKey(PoolType.ISCSI, ""))
                .isNotEqualTo(PoolSource.iscsi("10.79.0.2", TARGET + "2").storageKey(PoolType.ISCSI, ""));
        assertThat(PoolSource.nfs("nas", "/a").storageKey(PoolType.NETFS, ""))
                .isNotEqualTo(PoolSource.nfs("nas", "/b").storageKey(PoolType.NETFS, ""));
    }

    @Test
    @DisplayName("Ceph monitors listed in another order name the same pool")
    void rbdKey() {
        assertThat(PoolSource.rbd(List.of("mon2", "mon1"), "vms").storageKey(PoolType.RBD, ""))
                .isEqualTo(PoolSource.rbd(List.of("mon1", "mon2"), "vms").storageKey(PoolType.RBD, ""));
    }

    @Test
    @DisplayName("an iscsi pool without a device directory gets /dev/disk/by-path")
    void iscsiDefault() {
        assertThat(new PoolSpec("p", PoolType.ISCSI, PoolSource.iscsi("san", TARGET), "").targetPath())
                .isEqualTo(PoolSpec.ISCSI_DEVICES);
    }
}
