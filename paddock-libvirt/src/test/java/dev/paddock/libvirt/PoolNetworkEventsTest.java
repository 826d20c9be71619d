package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.HypervisorEvent.NetworkEventKind;
import dev.paddock.hypervisor.HypervisorEvent.PoolEventKind;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** libvirt's storage pool and network lifecycle codes in the port's words. */
class PoolNetworkEventsTest {

    @ParameterizedTest(name = "storage pool event {0} is {1}")
    @CsvSource({
        "0, DEFINED",
        "1, UNDEFINED",
        "2, STARTED",
        "3, STOPPED",
        "4, CREATED",
        "5, DELETED"
    })
    void poolLifecycle(int code, PoolEventKind kind) {
        assertThat(PoolNetworkEvents.poolKind(code)).contains(kind);
    }

    @ParameterizedTest(name = "network event {0} is {1}")
    @CsvSource({
        "0, DEFINED",
        "1, UNDEFINED",
        "2, STARTED",
        "3, STOPPED"
    })
    void networkLifecycle(int code, NetworkEventKind kind) {
        assertThat(PoolNetworkEvents.networkKind(code)).contains(kind);
    }

    @ParameterizedTest(name = "code {0}, which a newer libvirt may send, is no event of the port")
    @CsvSource({"-1", "6", "42"})
    void unknownPoolCodes(int code) {
        assertThat(PoolNetworkEvents.poolKind(code)).isEqualTo(Optional.empty());
    }

    @ParameterizedTest(name = "network code {0}, which a newer libvirt may send, is no event of the port")
    @CsvSource({"-1", "4", "42"})
    void unknownNetworkCodes(int code) {
        assertThat(PoolNetworkEvents.networkKind(code)).isEqualTo(Optional.empty());
    }
}
