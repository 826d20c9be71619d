package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.HypervisorEvent.DomainEventKind;
import dev.paddock.model.VmState;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.libvirt.DomainInfo.DomainState;
import org.libvirt.event.DefinedDetail;
import org.libvirt.event.DomainEventDetail;
import org.libvirt.event.DomainEventType;
import org.libvirt.event.ResumedDetail;
import org.libvirt.event.ShutdownDetail;
import org.libvirt.event.StartedDetail;
import org.libvirt.event.StoppedDetail;
import org.libvirt.event.SuspendedDetail;
import org.libvirt.event.UndefinedDetail;

class LifecycleEventsTest {

    static Stream<Arguments> events() {
        return Stream.of(
                Arguments.of(DomainEventType.DEFINED, DefinedDetail.ADDED, Optional.of(DomainEventKind.DEFINED)),
                Arguments.of(DomainEventType.DEFINED, DefinedDetail.UPDATED, Optional.of(DomainEventKind.DEFINED)),
                Arguments.of(DomainEventType.UNDEFINED, UndefinedDetail.REMOVED, Optional.of(DomainEventKind.UNDEFINED)),
                Arguments.of(DomainEventType.STARTED, StartedDetail.BOOTED, Optional.of(DomainEventKind.STARTED)),
                Arguments.of(DomainEventType.STARTED, StartedDetail.MIGRATED, Optional.of(DomainEventKind.MIGRATED_IN)),
                Arguments.of(DomainEventType.SUSPENDED, SuspendedDetail.PAUSED, Optional.of(DomainEventKind.SUSPENDED)),
                Arguments.of(DomainEventType.SUSPENDED, SuspendedDetail.MIGRATED, Optional.empty()),
                Arguments.of(DomainEventType.RESUMED, ResumedDetail.UNPAUSED, Optional.of(DomainEventKind.RESUMED)),
                Arguments.of(DomainEventType.RESUMED, ResumedDetail.MIGRATED, Optional.empty()),
                Arguments.of(DomainEventType.STOPPED, StoppedDetail.DESTROYED, Optional.of(DomainEventKind.STOPPED)),
                Arguments.of(DomainEventType.STOPPED, StoppedDetail.SHUTDOWN, Optional.of(DomainEventKind.STOPPED)),
                Arguments.of(DomainEventType.STOPPED, StoppedDetail.MIGRATED, Optional.of(DomainEventKind.MIGRATED_OUT)),
                Arguments.of(DomainEventType.STOPPED, StoppedDetail.CRASHED, Optional.of(DomainEventKind.CRASHED)),
                Arguments.of(DomainEventType.STOPPED, StoppedDetail.FAILED, Optional.of(DomainEventKind.CRASHED)),
                Arguments.of(DomainEventType.SHUTDOWN, ShutdownDetail.FINISHED, Optional.empty()));
    }

    @ParameterizedTest(name = "libvirt {0} ({1}) is reported as {2}")
    @MethodSource("events")
    void eventKinds(DomainEventType type, DomainEventDetail detail, Optional<DomainEventKind> expected) {
        assertThat(LifecycleEvents.kind(type, detail)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "libvirt state {0} is VM state {1}")
    @CsvSource({
        "VIR_DOMAIN_RUNNING, RUNNING", "VIR_DOMAIN_BLOCKED, RUNNING", "VIR_DOMAIN_SHUTDOWN, RUNNING",
        "VIR_DOMAIN_PAUSED, PAUSED", "VIR_DOMAIN_PMSUSPENDED, PAUSED", "VIR_DOMAIN_SHUTOFF, STOPPED",
        "VIR_DOMAIN_CRASHED, CRASHED", "VIR_DOMAIN_NOSTATE, UNKNOWN"})
    void states(DomainState state, VmState expected) {
        assertThat(LifecycleEvents.state(state)).isEqualTo(expected);
    }
}
