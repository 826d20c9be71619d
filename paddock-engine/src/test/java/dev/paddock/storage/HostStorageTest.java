package dev.paddock.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.PoolFacts;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolType;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A host's disk is what its started storage pools hold, as vCenter sums a host's datastores. */
class HostStorageTest {

    private static final long GIB = 1L << 30;

    private static PoolFacts pool(String name, long capacityBytes, boolean active) {
        return new PoolFacts(name, "u-" + name, PoolType.DIR, PoolSource.NONE, "/srv/" + name,
                capacityBytes, capacityBytes / 2, capacityBytes / 2, active);
    }

    @Test
    @DisplayName("the started pools' capacities add up in bytes, then in whole GiB rounded down")
    void sumOfStartedPools() {
        assertThat(HostStorage.diskGib(List.of(pool("local", 100 * GIB, true), pool("san", 256L << 20, true),
                pool("nfs", 40 * GIB + (GIB - 1), true)))).as("141.25 GiB").isEqualTo(141);
    }

    @Test
    @DisplayName("a stopped pool holds nothing the host can use, and a host without pools has no disk")
    void stoppedAndNone() {
        assertThat(HostStorage.diskGib(List.of(pool("local", 100 * GIB, false)))).isZero();
        assertThat(HostStorage.diskGib(List.of())).isZero();
    }
}
