package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.model.Datastore;
import dev.paddock.model.Disk;
import dev.paddock.model.Resources;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.operation.plan.Step;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which volumes a VM deleted with its disks takes along, and where each is deleted: pure, on plain values. */
class VmDeletePlanTest {

    private static final long GIB = 1L << 30;
    /** A shared pool, named "nfs-a" on h1 and "nfs-b" on h2, started on both. */
    private static final Datastore SHARED = Datastore.ofPools("nfs", "s1", "nfs", true, Set.of("h1", "h2"), "netfs",
            "nfs://nas/vms", 100 * GIB, 50 * GIB, Map.of("h1", "nfs-a", "h2", "nfs-b"));
    /** Started on h2 only; h1 defines it but it is down there. */
    private static final Datastore ONLY_H2 = Datastore.ofPools("local", "s1", "local", false, Set.of("h2"), "dir",
            "dir:/srv", 100 * GIB, 50 * GIB, Map.of("h1", "local", "h2", "local"));
    private static final Datastore DOWN = Datastore.ofPools("down", "s1", "down", false, Set.of(), "dir", "dir:/d",
            0, 0, Map.of("h1", "down"));
    private static final Datastore DECLARED = new Datastore("decl", "s1", "decl", true, 10, 10, Set.of("h1"));
    private static final Room ROOM = new Room(List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of(SHARED, ONLY_H2, DOWN, DECLARED));

    @Test
    @DisplayName("a linked clone's layer, an empty disk and the seed go, on the VM's host; a disk with no volume or on"
            + " a declared datastore, and an image of the library, stay")
    void whatGoesAndWhere() {
        Vm vm = vm(Optional.of("h2"),
                new Disk("root", "nfs", 2, "web-root.qcow2", "qcow2", false, Optional.of("img"), true),
                Disk.empty("disk1", "local", 3, "web-disk1.qcow2"),
                new Disk("disk2", "nfs", 1, "base.qcow2", "qcow2", false, Optional.empty(), false),
                new Disk("disk3", "decl", 1),
                new Disk("seed", "nfs", 0, "web-seed.iso", "raw", true, Optional.empty(), false));

        List<Step.DeleteVolume> deletes = VmPlans.diskVolumes(vm, ROOM, Set.of(Map.entry("nfs", "base.qcow2")));

        assertThat(deletes).containsExactly(
                new Step.DeleteVolume("h2", "nfs-b", "web-root.qcow2"),
                new Step.DeleteVolume("h2", "local", "web-disk1.qcow2"),
                new Step.DeleteVolume("h2", "nfs-b", "web-seed.iso"));
    }

    @Test
    @DisplayName("a VM never placed, or placed where the pool is not started, has its volumes deleted where the pool"
            + " is started")
    void elsewhere() {
        Vm unplaced = vm(Optional.empty(), Disk.empty("root", "nfs", 1, "a.qcow2"));
        Vm onH1 = vm(Optional.of("h1"), Disk.empty("root", "local", 1, "b.qcow2"));

        assertThat(VmPlans.diskVolumes(unplaced, ROOM, Set.of()))
                .containsExactly(new Step.DeleteVolume("h1", "nfs-a", "a.qcow2"));
        assertThat(VmPlans.diskVolumes(onH1, ROOM, Set.of()))
                .containsExactly(new Step.DeleteVolume("h2", "local", "b.qcow2"));
    }

    @Test
    @DisplayName("a volume whose pool is started on no host refuses the delete with one sentence")
    void poolStartedNowhere() {
        Vm vm = vm(Optional.of("h1"), Disk.empty("root", "down", 1, "c.qcow2"));

        assertThatThrownBy(() -> VmPlans.diskVolumes(vm, ROOM, Set.of()))
                .isInstanceOf(PaddockException.Conflict.class)
                .hasMessage("Disk 'root' of VM 'web' is volume 'c.qcow2' of datastore 'down', whose pool is started"
                        + " on no host; start it, or delete the VM with disks=keep.");
    }

    @Test
    @DisplayName("the plan undefines the domain before the volumes go, and forgets the VM last")
    void order() {
        Vm vm = vm(Optional.of("h1"), Disk.empty("root", "nfs", 1, "d.qcow2"));

        List<Step> steps = VmPlans.delete(vm, VmPlans.diskVolumes(vm, ROOM, Set.of()), "api").steps();

        assertThat(steps).containsExactly(new Step.DestroyVm("h1", "vm-1"), new Step.UndefineVm("h1", "vm-1"),
                new Step.DeleteVolume("h1", "nfs-a", "d.qcow2"), new Step.ForgetVm("vm-1"));
    }

    private static Vm vm(Optional<String> host, Disk... disks) {
        return new Vm("vm-1", "web", "c1", host, Resources.of(1000, 128, 1, 0), VmState.STOPPED, VmOrigin.MANAGED,
                "", 0, Set.of(), Set.of(), Set.of(), List.of(disks), List.of());
    }
}
