package dev.paddock.server.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.model.Host;
import dev.paddock.model.Resources;
import dev.paddock.model.Vm;
import dev.paddock.model.VmState;
import dev.paddock.sim.ManualClock;
import dev.paddock.sim.SimHostStatus;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.sim.SimulatedRoom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoomFileTest {

    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.atEpochOf2030();

    @Test
    @DisplayName("the file is replaced whole: no temporary file is left behind, and it holds the room's text")
    void atomicReplace() throws IOException {
        Path file = dir.resolve("room.state");
        SimulatedHypervisor sim = RoomFile.open(file, clock, 5);
        sim.addHost("h", Resources.of(1_000, 1_024, 10, 100));
        sim.addHost("g", Resources.of(1_000, 1_024, 10, 100));

        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("room.state");
        }
        assertThat(Files.readAllLines(file)).first().isEqualTo("paddock-sim 1");
    }

    @Test
    @DisplayName("opening a file that does not exist starts an empty room that is saved there")
    void openCreates() {
        Path file = dir.resolve("new.state");

        SimulatedHypervisor sim = RoomFile.open(file, clock, 5);
        sim.addHost("h", Resources.of(1_000, 1_024, 10, 100));

        assertThat(RoomFile.load(file, clock).hosts()).extracting(SimHostStatus::hostname).containsExactly("h");
    }

    @Test
    @DisplayName("a loaded room goes on being saved to its file")
    void loadKeepsSaving() {
        Path file = dir.resolve("room.state");
        RoomFile.open(file, clock, 5).addHost("h", Resources.of(1_000, 1_024, 10, 100));

        RoomFile.load(file, clock).addHost("g", Resources.of(1_000, 1_024, 10, 100));

        assertThat(RoomFile.load(file, clock).hosts()).extracting(SimHostStatus::hostname).containsExactly("h", "g");
    }

    @Test
    @DisplayName("a damaged file is refused with the file and the line that is wrong")
    void damagedFile() throws IOException {
        Path file = dir.resolve("bad.state");
        Files.writeString(file, "paddock-sim 1\nrandom 1\nhost h 1000 not-a-number 10 100 true false\n");

        assertThatThrownBy(() -> RoomFile.load(file, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file + " line 3");
    }

    @Test
    @DisplayName("a demo opened on a state file comes back as it was left, with the same room layout")
    void demoReloads() {
        Path file = dir.resolve("demo.state");
        SimulatedRoom first = RoomFile.openDemo(file, ManualClock.atEpochOf2030(), 7);
        Host host = first.room().hosts().iterator().next();
        Vm vm = first.room().vmsOn(host.id()).get(0);
        first.hypervisor().attach(host.id(), host.uri());
        first.hypervisor().destroy(host.id(), vm.id());

        SimulatedRoom again = RoomFile.openDemo(file, ManualClock.atEpochOf2030(), 7);

        assertThat(again.room().vms()).containsExactlyElementsOf(first.room().vms());
        assertThat(again.hypervisor().domainsOn(host.id())).filteredOn(d -> d.uuid().equals(vm.id()))
                .singleElement().satisfies(d -> assertThat(d.state()).isEqualTo(VmState.STOPPED));
        assertThat(again.hypervisor().effects(vm.id()).destroyed()).isEqualTo(1);
    }
}
