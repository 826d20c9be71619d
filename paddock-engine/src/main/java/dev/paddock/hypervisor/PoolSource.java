package dev.paddock.hypervisor;

import java.util.List;
import java.util.Optional;

/**
 * Where a storage pool's storage is, in libvirt's terms: the servers that hold it and what names it on them.
 *
 * @param hosts the NFS server, the iSCSI portal, or the Ceph monitors; empty for a directory
 * @param path the NFS export directory, the iSCSI target IQN, or the Ceph pool name; empty for a directory
 * @param initiatorIqn the IQN libvirt's own initiator logs in as ({@code iscsi-direct} only)
 */
public record PoolSource(List<String> hosts, String path, Optional<String> initiatorIqn) {

    public static final PoolSource NONE = new PoolSource(List.of(), "", Optional.empty());

    public PoolSource {
        hosts = List.copyOf(hosts);
        path = path == null ? "" : path;
        initiatorIqn = initiatorIqn.filter(iqn -> !iqn.isBlank());
    }

    public static PoolSource nfs(String server, String exportDirectory) {
        return new PoolSource(List.of(server), exportDirectory, Optional.empty());
    }

    public static PoolSource iscsi(String portal, String targetIqn) {
        return new PoolSource(List.of(portal), targetIqn, Optional.empty());
    }

    public static PoolSource iscsiDirect(String portal, String targetIqn, String initiatorIqn) {
        return new PoolSource(List.of(portal), targetIqn, Optional.of(initiatorIqn));
    }

    public static PoolSource rbd(List<String> monitors, String cephPool) {
        return new PoolSource(monitors, cephPool, Optional.empty());
    }

    /** The first host, or "" when there is none. */
    public String host() {
        return hosts.isEmpty() ? "" : hosts.getFirst();
    }

    /**
     * What names the storage itself, the same from every host that reaches it: pools with equal keys hold the same
     * data. The kernel's and libvirt's iSCSI initiators reach the same target, so both give one key; a directory is
     * named by its path only (whether it is the same directory on two hosts is not the pool's to say).
     */
    public String storageKey(PoolType type, String targetPath) {
        return switch (type) {
            case DIR -> "dir:" + trimmed(targetPath);
            case NETFS -> "nfs://" + lower(host()) + trimmed(path);
            case ISCSI, ISCSI_DIRECT -> "iscsi://" + lower(host()) + "/" + lower(path);
            case RBD -> "rbd://" + String.join(",", hosts.stream().map(PoolSource::lower).sorted().toList()) + "/"
                    + path;
            case OTHER -> "other:" + String.join(",", hosts) + ":" + path + ":" + trimmed(targetPath);
        };
    }

    private static String lower(String text) {
        return text.toLowerCase(java.util.Locale.ROOT);
    }

    private static String trimmed(String path) {
        String trimmed = path == null ? "" : path;
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }
}
