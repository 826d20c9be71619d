package dev.paddock.storage;

import dev.paddock.hypervisor.PoolFacts;
import java.util.Collection;

/**
 * A host's disk capacity, as vCenter shows a host's storage: the sum of the capacities of the storage pools started
 * on it (each pool its datastore; a shared pool counts on every host that reaches it, a stopped one on none). libvirt
 * reports no disk of the host itself, only its pools; a host without a started pool has no disk to offer. Pure.
 */
public final class HostStorage {

    private HostStorage() {}

    /** The sum of the started pools' capacities, in whole GiB (the bytes added, then rounded down). */
    public static long diskGib(Collection<PoolFacts> pools) {
        long bytes = 0;
        for (PoolFacts pool : pools) {
            if (pool.active()) {
                bytes += Math.max(0, pool.capacityBytes());
            }
        }
        return bytes >> 30;
    }
}
