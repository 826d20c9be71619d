package dev.paddock.ha.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.DomainBuilder;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.Watchdog;
import dev.paddock.operation.OperationState;
import dev.paddock.sim.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HA restart defines the VM as the one domain builder does, from the VM as the inventory has it: a watchdog
 * given to the VM after its domain was first defined is on the domain the restart defines.
 */
class RestartDefinitionTest {

    private static final Watchdog WATCHDOG = new Watchdog(Watchdog.Model.I6300ESB, Watchdog.Action.PAUSE);

    @TempDir
    Path directory;

    HaRoom room;

    @BeforeEach
    void start() {
        room = new HaRoom(directory);
    }

    @AfterEach
    void stop() {
        room.close();
    }

    @Test
    void aRestartedVmIsDefinedWithItsWholeDomainItsWatchdogIncluded() {
        Host failed = room.hostWithRestartableVms();
        for (Vm vm : room.vmsOn(failed)) {
            assertThat(room.sim.definition(failed.id(), vm.id())).as(vm.name())
                    .hasValueSatisfying(held -> assertThat(held.watchdog()).isEmpty());
            room.store.put(vm.withWatchdog(Optional.of(WATCHDOG)));
        }

        room.sim.inject(new Fault.HostCrash(failed.name()));

        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> room.failovers().stream().anyMatch(op -> op.state().isFinal()));
        assertThat(room.failovers()).singleElement().extracting(op -> op.state()).isEqualTo(OperationState.DONE);
        List<String> restarted = room.subjectsOf("ha.restart.planned");
        assertThat(restarted).isNotEmpty();
        Room now = room.store.room();
        for (String id : restarted) {
            Vm vm = now.vm(id).orElseThrow();
            String host = room.runningOn(id).getFirst();
            DomainSpec held = room.sim.definition(host, id).orElseThrow();
            assertThat(held).as(vm.name()).isEqualTo(DomainBuilder.specOf(vm, now));
            assertThat(held.watchdog()).as(vm.name()).contains(WATCHDOG);
            assertThat(held.disks()).as(vm.name()).isNotEmpty();
            assertThat(held.nics()).as(vm.name()).isNotEmpty();
        }
    }
}
