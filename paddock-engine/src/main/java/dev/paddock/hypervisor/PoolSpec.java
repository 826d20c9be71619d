package dev.paddock.hypervisor;

import java.util.regex.Pattern;

/**
 * A storage pool to define on a host.
 *
 * @param name the pool's name on the host
 * @param targetPath where the host sees the storage: the directory of a {@code dir} pool, the mount point of a
 *     {@code netfs} pool, the device directory of an {@code iscsi} pool ({@code /dev/disk/by-path} when blank);
 *     unused by {@code iscsi-direct} and {@code rbd}, whose volumes are opened over the network
 */
public record PoolSpec(String name, PoolType type, PoolSource source, String targetPath) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern IQN = Pattern.compile("(iqn\\.\\d{4}-\\d{2}\\.[^\\s:]+(:\\S+)?|eui\\.[0-9A-Fa-f]{16})");
    public static final String ISCSI_DEVICES = "/dev/disk/by-path";

    /** Checks the spec as the pool's type needs it; a missing or malformed field is an IllegalArgumentException. */
    public PoolSpec {
        targetPath = targetPath == null ? "" : targetPath;
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a pool name is 1 to 63 letters, digits, '.', '_' or '-', starting"
                    + " with a letter or digit, not '" + name + "'");
        }
        if (type == null || type == PoolType.OTHER) {
            throw new IllegalArgumentException("a pool's type must be one of " + PoolType.creatableNames());
        }
        switch (type) {
            case DIR -> absolute(targetPath, "the directory (target path) of a dir pool");
            case NETFS -> {
                host(source, "the NFS server");
                absolute(source.path(), "the NFS export directory");
                absolute(targetPath, "the mount point (target path) of a netfs pool");
            }
            case ISCSI -> {
                host(source, "the iSCSI portal");
                iqn(source.path(), "the iSCSI target IQN");
                if (targetPath.isEmpty()) {
                    targetPath = ISCSI_DEVICES;
                }
                absolute(targetPath, "the device directory of an iscsi pool");
            }
            case ISCSI_DIRECT -> {
                host(source, "the iSCSI portal");
                iqn(source.path(), "the iSCSI target IQN");
                iqn(source.initiatorIqn().orElse(""), "the initiator IQN of an iscsi-direct pool");
            }
            case RBD -> {
                host(source, "a Ceph monitor");
                if (source.path().isBlank() || source.path().contains("/")) {
                    throw new IllegalArgumentException("the Ceph pool name is required (no '/'), not '"
                            + source.path() + "'");
                }
            }
            case OTHER -> throw new AssertionError("refused above");
        }
    }

    private static void host(PoolSource source, String what) {
        if (source == null || source.hosts().isEmpty() || source.hosts().stream().anyMatch(PoolSpec::badHost)) {
            throw new IllegalArgumentException(what + " is required, as a host name or address");
        }
    }

    private static boolean badHost(String host) {
        return host == null || host.isBlank() || !host.matches("[A-Za-z0-9.:\\[\\]_-]+");
    }

    private static void absolute(String path, String what) {
        if (path == null || !path.startsWith("/") || path.contains("/../") || path.endsWith("/..")) {
            throw new IllegalArgumentException(what + " must be an absolute path, not '" + path + "'");
        }
    }

    private static void iqn(String iqn, String what) {
        if (iqn == null || !IQN.matcher(iqn).matches()) {
            throw new IllegalArgumentException(what + " must be an IQN such as iqn.2026-12.dev.paddock:store,"
                    + " not '" + iqn + "'");
        }
    }
}
