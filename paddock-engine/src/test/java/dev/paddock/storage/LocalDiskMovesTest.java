package dev.paddock.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.model.Cluster;
import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.operation.plan.Step;
import dev.paddock.placement.Claims;
import dev.paddock.placement.Placement;
import dev.paddock.placement.PlacementEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which disks a live migration copies: a volume of its host's local dir pool goes to the target's local pool of the
 * same name; a disk on storage both hosts see stays; anything else keeps the target out, with a sentence.
 */
class LocalDiskMovesTest {

    private static final long GIB = 1L << 30;
    private static final Site SITE = new Site("s", "s", "");
    private static final Cluster CLUSTER = new Cluster("c", "s", "prod", true, 1);
    private static final Datastore LOCAL_H1 = local("d-h1", "local", "h1", "local");
    private static final Datastore LOCAL_H2 = local("d-h2", "local-2", "h2", "local");
    private static final Datastore SCRATCH_H3 = local("d-h3", "scratch", "h3", "scratch");
    private static final Datastore SHARED = Datastore.ofPools("d-nfs", "s", "nfs", true, Set.of("h1", "h2", "h3"),
            "netfs", "nfs://nas/export", 100 * GIB, 50 * GIB, Map.of("h1", "nfs", "h2", "nfs", "h3", "nfs"));

    private static Datastore local(String id, String name, String host, String pool) {
        return Datastore.ofPools(id, "s", name, false, Set.of(host), "dir", "host:" + host + ":dir:/var/lib/local",
                100 * GIB, 50 * GIB, Map.of(host, pool));
    }

    private static Room room(Vm vm) {
        List<Host> hosts = new ArrayList<>();
        for (String id : List.of("h1", "h2", "h3")) {
            hosts.add(new Host(id, "c", id, "sim://" + id, Resources.of(8_000, 16_384, 100, 1_000),
                    HostState.CONNECTED, PowerState.ON, Set.of()));
        }
        return new Room(List.of(SITE), List.of(CLUSTER), hosts, List.of(vm), List.of(),
                List.of(LOCAL_H1, LOCAL_H2, SCRATCH_H3, SHARED));
    }

    private static Vm web(Disk... disks) {
        return new Vm("web", "web", "c", Optional.of("h1"), Resources.of(1_000, 1_024, 0, 0), VmState.RUNNING,
                VmOrigin.MANAGED, "", 0, Set.of(), Set.of(), Set.of(), List.of(disks), List.of());
    }

    private static final Disk ROOT = Disk.empty("root", "d-h1", 8, "web-root.qcow2");
    private static final Disk DATA = Disk.empty("data", "d-nfs", 20, "web-data.qcow2");

    @Test
    @DisplayName("a volume of h1's local pool goes to h2's pool of the same name; a disk on NFS stays")
    void localDiskMovesSharedDiskStays() {
        Vm vm = web(ROOT, DATA);

        List<Step.DiskMove> moves = LocalDiskMoves.of(room(vm), vm, "h2");

        assertThat(moves).containsExactly(new Step.DiskMove("root", "d-h1", "d-h2", false));
        assertThat(LocalDiskMoves.moved(vm, moves).disks()).extracting(Disk::datastoreId)
                .containsExactly("d-h2", "d-nfs");
    }

    @Test
    @DisplayName("a migration's placement takes h2, which has the pool; h3, which has another, is refused with why")
    void migrationPlacementTakesTheHostWithThePool() {
        Vm vm = web(ROOT);
        Room room = room(vm);

        Placement answer = PlacementEngine.liveMigration().place(room, Claims.NONE, vm, h -> !h.id().equals("h1"));
        Placement onH3 = PlacementEngine.liveMigration().place(room, Claims.NONE, vm, h -> h.id().equals("h3"));

        assertThat(answer).isInstanceOfSatisfying(Placement.Placed.class,
                placed -> assertThat(placed.host().id()).isEqualTo("h2"));
        assertThat(((Placement.Unplaceable) onH3).explainOn(room, vm)).isEqualTo("Host 'h3' has no room for VM"
                + " 'web': datastore local of disk root is not reachable from the host, which has no local pool local"
                + " to copy it to.");
    }

    @Test
    @DisplayName("a first placement and an HA restart never copy: h2 stays out for them")
    void otherPathsNeverCopy() {
        Vm vm = web(ROOT);

        Placement answer = PlacementEngine.balancing().place(room(vm), Claims.NONE, vm, h -> h.id().equals("h2"));

        assertThat(answer).isInstanceOf(Placement.Unplaceable.class);
    }

    @Test
    @DisplayName("a read-only disk and a disk that is no volume of its pool are not copied, each with its reason")
    void whatIsNotCopied() {
        Disk seed = new Disk("seed", "d-h1", 0, "web-seed.iso", "raw", true, Optional.empty(), false);
        Disk file = new Disk("old", "d-h1", 8);
        Vm vm = web(seed, file);

        assertThat(LocalDiskMoves.refusal(room(vm), vm, seed, "h2")).contains("read-only disk seed on local datastore"
                + " local is not copied by a live migration");
        assertThat(LocalDiskMoves.refusal(room(vm), vm, file, "h2")).contains("disk old on local datastore local is"
                + " no volume of its pool, so it cannot be copied");
    }

    @Test
    @DisplayName("a linked clone's move says that only its layer travels")
    void linkedClone() {
        Disk linked = new Disk("root", "d-h1", 8, "web-root.qcow2", "qcow2", false, Optional.of("img"), true);
        Vm vm = web(linked);

        assertThat(LocalDiskMoves.of(room(vm), vm, "h2")).containsExactly(new Step.DiskMove("root", "d-h1", "d-h2",
                true));
    }
}
