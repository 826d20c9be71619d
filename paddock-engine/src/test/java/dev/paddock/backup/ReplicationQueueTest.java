package dev.paddock.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.backup.ReplicationQueue.Stamp;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicationQueueTest {

    private static Stamp point(String id, String vm, int hour) {
        return new Stamp(id, vm, Instant.parse("2030-01-01T00:00:00Z").plusSeconds(3600L * hour));
    }

    private static List<String> ids(List<Stamp> points) {
        return points.stream().map(Stamp::id).toList();
    }

    @Test
    void a_target_without_points_receives_every_point_oldest_first_vm_after_vm() {
        List<Stamp> local = List.of(point("b2", "b", 2), point("a3", "a", 3), point("a1", "a", 1), point("b1", "b", 1));

        assertThat(ids(ReplicationQueue.toSend(local, List.of(), Set.of()))).containsExactly("a1", "a3", "b1", "b2");
    }

    @Test
    void only_points_newer_than_the_targets_newest_of_the_vm_are_sent() {
        List<Stamp> local = List.of(point("a1", "a", 1), point("a2", "a", 2), point("a3", "a", 3),
                point("a4", "a", 4));
        List<Stamp> remote = List.of(point("a2", "a", 2));

        assertThat(ids(ReplicationQueue.toSend(local, remote, Set.of())))
                .as("a1 is older than what the target holds: its retention may have forgotten it")
                .containsExactly("a3", "a4");
    }

    @Test
    void a_point_the_target_holds_is_never_sent_again() {
        List<Stamp> local = List.of(point("a1", "a", 1), point("a2", "a", 2));

        assertThat(ReplicationQueue.toSend(local, local, Set.of())).isEmpty();
    }

    @Test
    void only_the_vms_listed_are_covered() {
        List<Stamp> local = List.of(point("a1", "a", 1), point("b1", "b", 1), point("c1", "c", 1));

        assertThat(ids(ReplicationQueue.toSend(local, List.of(), Set.of("c", "a")))).containsExactly("a1", "c1");
    }

    @Test
    void the_newest_point_of_each_vm() {
        List<Stamp> points = List.of(point("a1", "a", 1), point("a3", "a", 3), point("b2", "b", 2));

        assertThat(ReplicationQueue.newestByVm(points)).containsOnlyKeys("a", "b");
        assertThat(ReplicationQueue.newestByVm(points).get("a").id()).isEqualTo("a3");
    }
}
