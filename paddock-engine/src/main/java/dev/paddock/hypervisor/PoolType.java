package dev.paddock.hypervisor;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of libvirt storage pool Paddock makes datastores of, by libvirt's name for each. {@link #OTHER} is a
 * pool of any other type found on a host: listed, never created.
 */
public enum PoolType {
    /** A directory on the host; shared only when every host sees the same directory (a cluster file system). */
    DIR("dir"),
    /** An NFS export mounted by the host's kernel. */
    NETFS("netfs"),
    /** An iSCSI target logged in by the host's kernel initiator (open-iscsi); LUNs appear as block devices. */
    ISCSI("iscsi"),
    /** An iSCSI target reached by libvirt's own initiator (libiscsi); QEMU opens the LUNs over the network. */
    ISCSI_DIRECT("iscsi-direct"),
    /** A Ceph RBD pool. Accepted and written as libvirt documents it; not tested on a Ceph cluster here. */
    RBD("rbd"),
    OTHER("other");

    private final String xmlName;

    PoolType(String xmlName) {
        this.xmlName = xmlName;
    }

    public String xmlName() {
        return xmlName;
    }

    /** True for storage every host reaches over the network, so the same source on several hosts is one store. */
    public boolean networked() {
        return this == NETFS || this == ISCSI || this == ISCSI_DIRECT || this == RBD;
    }

    /** The type libvirt names {@code name}; {@link #OTHER} for a type Paddock does not make. */
    public static PoolType ofXmlName(String name) {
        return creatable(name).orElse(OTHER);
    }

    /** The type a user asked for by libvirt's name, when Paddock can create it. */
    public static Optional<PoolType> creatable(String name) {
        String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(type -> type != OTHER && type.xmlName.equals(lower)).findFirst();
    }

    /** The names of the creatable types, for error messages. */
    public static List<String> creatableNames() {
        return Arrays.stream(values()).filter(type -> type != OTHER).map(PoolType::xmlName).toList();
    }
}
