package dev.paddock.drs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Power saving's decisions: standby when the load fits with room to spare and admission control still holds, power
 * on before the load needs it, never below the fewest hosts the cluster keeps. Hosts have 8 cores and 32 GiB; each
 * VM reserves half a core and 4 GiB and uses what its test gives.
 */
class PowerPlannerTest {

    private static final Instant NOW = Instant.parse("2030-03-01T03:00:00Z");
    private static final PowerPolicy POLICY = PowerPolicy.DEFAULT.withMode(BalancingPolicy.Mode.AUTOMATIC);
    private static final PowerPlanner PLANNER = new PowerPlanner();

    @Test
    void aQuietNightPutsTheHostCheapestToEmptyInStandby() {
        // 4 hosts, 1 core used on each: 12.5 % of the room; h4 runs one VM, the others two
        Room room = room(4, 0, List.of(vm("a", "h1", 500), vm("b", "h1", 500), vm("c", "h2", 500), vm("d", "h2", 500),
                vm("e", "h3", 500), vm("f", "h3", 500), vm("g", "h4", 1_000)));

        PowerPlanner.Decision decision = PLANNER.plan(room, "c1", loads(room), Set.of(), Optional.empty(), NOW, POLICY);

        assertThat(decision).isInstanceOfSatisfying(PowerPlanner.Standby.class, standby -> {
            assertThat(standby.hostId()).isEqualTo("h4");
            assertThat(standby.moves()).singleElement().satisfies(m -> assertThat(m.vm().id()).isEqualTo("g"));
        });
        assertThat(decision.summary()).isEqualTo("CPU demand 13 % of the 4 host(s) on: h4 goes to standby (1 VM(s)"
                + " move), leaving 17 % over the next hours");
    }

    @Test
    void loadForecastForTheNextHoursPowersAStandbyHostOnBeforeItComes() {
        Room room = room(2, 1, List.of(vm("a", "h1", 2_000), vm("b", "h2", 2_000)));
        Map<String, VmLoad> loads = new HashMap<>();
        // quiet now (25 %), but the day before, from this hour, each used 5.5 cores: 69 % of the two hosts on
        loads.put("a", new VmLoad(2_000, List.of(5_500L, 5_500L), 4L << 30, 0));
        loads.put("b", new VmLoad(2_000, List.of(5_500L, 5_500L), 4L << 30, 0));

        PowerPlanner.Decision decision = PLANNER.plan(room, "c1", loads, Set.of("h3"), Optional.empty(), NOW, POLICY);

        assertThat(decision).isInstanceOfSatisfying(PowerPlanner.PowerOn.class,
                on -> assertThat(on.hostIds()).containsExactly("h3"));
        assertThat(decision.summary()).isEqualTo("CPU demand 69 % of the hosts on, above 60 %: 1 host(s) power on, to"
                + " 46 %");
    }

    @Test
    void aHostAnAdministratorPutInMaintenanceIsNeverPoweredOn() {
        Room room = room(2, 1, List.of(vm("a", "h1", 6_000), vm("b", "h2", 6_000)));

        PowerPlanner.Decision decision = PLANNER.plan(room, "c1", loads(room), Set.of(), Optional.empty(), NOW, POLICY);

        assertThat(decision).isInstanceOf(PowerPlanner.Hold.class);
        assertThat(decision.summary()).isEqualTo("CPU demand 75 % of the hosts on, above 60 %, and no host is in standby"
                + " to power on");
    }

    @Test
    void noStandbyThatWouldBreakAdmissionControl() {
        // HA tolerates one host failure; each of the 3 hosts holds 4 GiB-VMs filling 24 of its 32 GiB: with one host
        // in standby, the protected VMs of a failed host would not fit on the last one
        List<Vm> vms = new ArrayList<>();
        for (int h = 1; h <= 3; h++) {
            for (int i = 0; i < 6; i++) {
                vms.add(vm("v" + h + i, "h" + h, 100));
            }
        }
        Room room = room(3, 0, vms);

        PowerPlanner.Decision decision = PLANNER.plan(room, "c1", loads(room), Set.of(), Optional.empty(), NOW, POLICY);

        assertThat(decision).isInstanceOf(PowerPlanner.Hold.class);
        assertThat(decision.summary()).startsWith("CPU demand 8 % of the 3 host(s) on, but no host can go to standby:");
    }

    @Test
    void nothingGoesToStandbyWithinTheSettlingTimeOfAPowerOnNorBelowTheFewestHosts() {
        Room room = room(4, 0, List.of(vm("a", "h1", 500), vm("b", "h2", 500)));

        PowerPlanner.Decision settling = PLANNER.plan(room, "c1", loads(room), Set.of(),
                Optional.of(NOW.minus(Duration.ofMinutes(20))), NOW, POLICY);
        assertThat(settling).isInstanceOf(PowerPlanner.Hold.class);
        assertThat(settling.summary()).endsWith("nothing goes to standby before 2030-03-01T03:40:00Z");

        Room two = room(2, 0, List.of(vm("a", "h1", 500), vm("b", "h2", 500)));
        assertThat(PLANNER.plan(two, "c1", loads(two), Set.of(), Optional.empty(), NOW, POLICY).summary())
                .isEqualTo("CPU demand 6 % of the 2 host(s) on: 2 host(s) on, the fewest this cluster keeps");
    }

    private static Map<String, VmLoad> loads(Room room) {
        Map<String, VmLoad> loads = new HashMap<>();
        room.vms().forEach(vm -> loads.put(vm.id(), new VmLoad(Long.parseLong(vm.tier()), 4L << 30, 0)));
        return loads;
    }

    /** {@code on} hosts on, then {@code asleep} hosts in maintenance and powered off; HA tolerates one failure. */
    private static Room room(int on, int asleep, List<Vm> vms) {
        List<Host> hosts = new ArrayList<>();
        for (int h = 1; h <= on + asleep; h++) {
            Host host = new Host("h" + h, "c1", "h" + h, "sim://h" + h, Resources.of(8_000, 32_768, 1_000, 10_000),
                    HostState.CONNECTED, PowerState.ON, Set.of());
            hosts.add(h <= on ? host : host.withState(HostState.MAINTENANCE).withPower(PowerState.OFF));
        }
        return new Room(List.of(new Site("s1", "site one", "")), List.of(new Cluster("c1", "s1", "c1", true, 1)),
                hosts, vms, List.of(), List.of());
    }

    /** A protected VM reserving half a core and 4 GiB that uses {@code cpuUsed} millicores (kept in its tier field). */
    private static Vm vm(String id, String host, long cpuUsed) {
        return new Vm(id, id, "c1", Optional.of(host), Resources.of(500, 4_096, 0, 0), VmState.RUNNING,
                VmOrigin.MANAGED, Long.toString(cpuUsed), 1, Set.of(), Set.of(), Set.of(), List.of(), List.of());
    }
}
