package dev.paddock.ha;

import static dev.paddock.ha.TestRooms.room;
import static dev.paddock.ha.TestRooms.vm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.model.Host;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AdmissionControlTest {

    private final AdmissionControl admission = AdmissionControl.standard();

    /** Three hosts of 16 cores and 64 GiB, each running 40 GiB of protected VMs: 24 GiB free on each. */
    private static TestRooms withRoomForOneFailure() {
        return room().host("h1", 16, 64).host("h2", 16, 64).host("h3", 16, 64)
                .vm("a1", "h1", 2, 16, 1, "app").vm("a2", "h1", 2, 8, 1, "web").vm("a3", "h1", 2, 16, 1, "app")
                .vm("b1", "h2", 2, 16, 1, "app").vm("b2", "h2", 2, 8, 1, "web").vm("b3", "h2", 2, 16, 1, "app")
                .vm("c1", "h3", 2, 16, 1, "app").vm("c2", "h3", 2, 8, 1, "web").vm("c3", "h3", 2, 16, 1, "app");
    }

    @Test
    void aClusterWhoseSurvivorsCanTakeAnyOneHostsVmsIsAdmittedAfterCheckingEachHost() {
        assertThat(admission.check(withRoomForOneFailure().build(), "c1"))
                .isEqualTo(new AdmissionVerdict.Admitted("c1", 1, 3));
    }

    @Test
    void toleratingTwoFailuresChecksEverySingleEveryOrderedPairAndEveryPairTogether() {
        Room room = room().tolerating(2).host("h1", 16, 64).host("h2", 16, 64).host("h3", 16, 64).host("h4", 16, 64)
                .vm("a", "h1", 2, 8, 1, "app").build();

        assertThat(admission.check(room, "c1")).isEqualTo(new AdmissionVerdict.Admitted("c1", 2, 4 + 4 * 3 + 6));
    }

    /**
     * Found by the HA simulation: restarting h1's VMs spreads an anti-affinity group so that h2's VM of that group
     * has nowhere to go when h2 fails next, although h1 and h2 failing together fit (the joint plan places the
     * group first). Admission must refuse what recovery cannot do.
     */
    @Test
    void failuresOneAfterTheOtherCanNeedMoreThanFailuresTogetherAndAreRefusedForIt() {
        Room room = room().tolerating(2).host("h1", 4, 64).host("h2", 4, 64).host("h3", 4, 64).host("h4", 4, 64)
                .vm(vm("g1", "h1", 1, 4, 1, "web", Set.of("g"), Set.of(), "shared"))
                .vm(vm("g2", "h2", 2, 4, 3, "web", Set.of("g"), Set.of(), "shared"))
                .vm("fill3", "h3", 3, 4, 0, "web")
                .build();

        assertThat(FailoverPlanner.standard().plan(room, Set.of("h1", "h2"), FailoverPolicy.DEFAULT)
                .restartsEverything()).isTrue();
        AdmissionVerdict.Refused refused = (AdmissionVerdict.Refused) admission.check(room, "c1");
        assertThat(refused.failedHostIds()).containsExactly("h1", "h2");
        assertThat(refused.reason()).isEqualTo("cluster c1 could not tolerate 2 host failures: if h1 and h2 failed"
                + " one after the other, 1 protected VM (g2) could not restart; the survivors have enough free in total,"
                + " but not on hosts these VMs may use. First refusal: g2: No host of cluster 'c1' has room"
                + " for VM 'g2': h3: not enough cpu (millicores): needs 2000, 1000 free; h4: VM g1 of anti-affinity"
                + " group g already runs there.");
    }

    @Test
    void aStartThatWouldLeaveAFailureUnabsorbedIsRefusedWithTheFailureTheVmsAndTheShortfall() {
        Room room = withRoomForOneFailure().build();
        Vm big = vm("big", "h1", 4, 16, 2, "db", Set.of(), Set.of(), "shared").withoutHost();

        AdmissionVerdict verdict = admission.admitStart(room, big, "h1");

        assertThat(verdict).isInstanceOf(AdmissionVerdict.Refused.class);
        AdmissionVerdict.Refused refused = (AdmissionVerdict.Refused) verdict;
        assertThat(refused.failedHostIds()).containsExactly("h1");
        assertThat(refused.reason()).isEqualTo("starting VM big on h1 is refused: cluster c1 could not tolerate"
                + " 1 host failure: if h1 failed, 1 protected VM (a3) could not restart; the survivors are short by"
                + " 8192 MiB of memory. First refusal: a3: No host of cluster 'c1' has room for"
                + " VM 'a3': h2: not enough memory (MiB): needs 16384, 8192 free; h3: not enough memory (MiB): needs"
                + " 16384, 8192 free.");
    }

    @Test
    void aShortageOfShapeRatherThanOfTotalSaysSo() {
        Room room = room().host("h1", 16, 64).host("h2", 16, 64).host("h3", 16, 64)
                .vm("big", "h1", 2, 48, 1, "db")
                .vm("b", "h2", 2, 24, 1, "app").vm("c", "h3", 2, 24, 1, "app")
                .build();

        AdmissionVerdict.Refused refused = (AdmissionVerdict.Refused) admission.check(room, "c1");

        assertThat(refused.reason()).contains("if h1 failed, 1 protected VM (big) could not restart; the survivors"
                + " have enough free in total, but not on hosts these VMs may use");
    }

    @Test
    void anUnprotectedVmIsNotRestartedButStillTakesRoomTheSurvivorsNeed() {
        Room room = withRoomForOneFailure().build();
        Vm small = vm("scratch", "h1", 1, 4, 0, "web", Set.of(), Set.of(), "shared").withoutHost();
        Vm large = vm("scratch", "h1", 1, 16, 0, "web", Set.of(), Set.of(), "shared").withoutHost();

        assertThat(admission.admitStart(room, small, "h1").admitted()).isTrue();
        AdmissionVerdict.Refused refused = (AdmissionVerdict.Refused) admission.admitStart(room, large, "h1");
        assertThat(refused.failedHostIds()).containsExactly("h2");
        assertThat(refused.unplaced()).extracting(Unplaced::vmName).doesNotContain("scratch");
    }

    @Test
    void aPromiseLargerThanTheClusterIsRefusedAndAClusterWithoutHaIsAdmitted() {
        Room small = room().tolerating(2).host("h1", 16, 64).host("h2", 16, 64).build();
        assertThat(((AdmissionVerdict.Refused) admission.check(small, "c1")).reason()).isEqualTo(
                "cluster c1 promises to tolerate 2 host failures but has only 2 hosts up: no host would survive"
                        + " to restart VMs");

        Room off = room().haDisabled().host("h1", 16, 64).vm("a", "h1", 2, 60, 3, "db").build();
        assertThat(admission.check(off, "c1").admitted()).isTrue();
    }

    /** A 32-host cluster of a 640-host, 10,000-VM room, tolerating two failures: 1,520 plans of its cluster only. */
    @Test
    void admissionOfALargeClusterPlansOnlyThatCluster() {
        Room scale = dev.paddock.sim.ScaleRoom.room(640, 10_000, 7);
        String clusterId = scale.clusters().iterator().next().id();
        Room room = new Room(scale.sites(), scale.clusters().stream()
                .map(c -> new dev.paddock.model.Cluster(c.id(), c.siteId(), c.name(), true, 2)).toList(),
                scale.hosts(), scale.vms(), scale.networks(), scale.datastores());

        long started = System.nanoTime();
        AdmissionVerdict verdict = admission.check(room, clusterId);
        java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - started);

        assertThat(verdict).isEqualTo(new AdmissionVerdict.Admitted(clusterId, 2, 32 + 32 * 31 + 32 * 31 / 2));
        assertThat(took).as("time to check 1,520 failure sets").isLessThan(java.time.Duration.ofSeconds(30));
    }

    @Test
    void combinationsAreEverySubsetOnce() {
        List<List<String>> pairs = AdmissionControl.combinations(List.of("a", "b", "c", "d", "e"), 2);
        assertThat(pairs).hasSize(10).doesNotHaveDuplicates();
        assertThat(pairs).first().isEqualTo(List.of("a", "b"));
        assertThat(pairs).last().isEqualTo(List.of("d", "e"));
        assertThat(AdmissionControl.combinations(List.of("a", "b", "c"), 3)).containsExactly(List.of("a", "b", "c"));
    }

    static LongStream seeds() {
        return LongStream.range(0, 150);
    }

    /**
     * Over seeded rooms: an admitted cluster has, for every single failure, at least the protected demand of the
     * failed host free on the survivors (a necessary condition the planner cannot fake); a refusal names a failure
     * the planner indeed cannot absorb; tolerating two admits no more than tolerating one.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void verdictsAgreeWithTheCapacityOfTheRoom(long seed) {
        Room one = TestRooms.seeded(seed, 1);
        AdmissionVerdict verdict = admission.check(one, "c1");
        if (verdict instanceof AdmissionVerdict.Refused refused) {
            FailoverPlan plan = FailoverPlanner.standard().plan(one, new HashSet<>(refused.failedHostIds()),
                    FailoverPolicy.DEFAULT);
            assertThat(plan.unplaced()).as("seed %d", seed).isNotEmpty().isEqualTo(refused.unplaced());
        } else {
            for (Host failed : one.hosts()) {
                Resources protectedDemand = FailoverPlanner.victims(one, Set.of(failed.id())).stream()
                        .map(Vm::demand).reduce(Resources.ZERO, Resources::plus);
                Resources free = one.hosts().stream().filter(h -> !h.equals(failed))
                        .map(h -> h.capacity().minus(one.used(h.id()))).reduce(Resources.ZERO, Resources::plus);
                assertThat(protectedDemand.fitsIn(free)).as("seed %d, %s fails", seed, failed.id()).isTrue();
            }
        }
        if (admission.check(TestRooms.seeded(seed, 2), "c1").admitted()) {
            assertThat(verdict.admitted()).as("seed %d", seed).isTrue();
        }
    }
}
