package dev.paddock.server;

import dev.paddock.api.VmPlans;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Resources;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import dev.paddock.operation.Operations;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.store.InventoryStore;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The room of the demo: one site, one cluster of four simulated hosts, and a handful of VMs created
 * through Operations like any other, so the demo shows a journal from its first second.
 */
final class DemoRoom {

    static final Resources HOST_CAPACITY = Resources.of(32_000, 131_072, 2_000, 10_000);
    private static final List<String> HOSTS = List.of("node-1", "node-2", "node-3", "node-4");
    private static final List<DemoVm> VMS = List.of(
            new DemoVm("web-1", 2, 4_096, "web", 100), new DemoVm("web-2", 2, 4_096, "web", 100),
            new DemoVm("app-1", 4, 8_192, "app", 200), new DemoVm("app-2", 4, 8_192, "app", 200),
            new DemoVm("db-1", 8, 32_768, "db", 300), new DemoVm("ci-runner", 4, 8_192, "", 0));

    private record DemoVm(String name, int vcpus, long memoryMib, String tier, int haPriority) {}

    private DemoRoom() {}

    /** Adds the simulated hosts that are not in the room yet. */
    static void buildHosts(SimulatedHypervisor sim) {
        List<String> present = sim.hosts().stream().map(status -> status.hostname()).toList();
        for (String name : HOSTS) {
            if (!present.contains(name)) {
                sim.addHost(name, HOST_CAPACITY);
            }
        }
    }

    /** Records site, cluster and hosts and creates the VMs, when the store is still empty. */
    static void seed(InventoryStore store, SimulatedHypervisor sim, Operations operations) {
        if (!store.sites().isEmpty()) {
            return;
        }
        Site site = new Site("site-a", "room-a", "The demo machine room");
        Cluster cluster = new Cluster("prod", site.id(), "prod", true, 1);
        store.put(site);
        store.put(cluster);
        for (String name : HOSTS) {
            String uri = "sim://" + name;
            Resources capacity = sim.attach(name, uri).capacity();
            store.put(new Host(name, cluster.id(), name, uri, capacity, HostState.CONNECTED, PowerState.ON, Set.of()));
        }
        for (int i = 0; i < VMS.size(); i++) {
            DemoVm demo = VMS.get(i);
            String host = HOSTS.get(i % HOSTS.size());
            Vm vm = new Vm(UUID.randomUUID().toString(), demo.name(), cluster.id(), Optional.of(host),
                    Resources.of(demo.vcpus() * 1000L, demo.memoryMib(), 40, 100), VmState.STOPPED,
                    VmOrigin.MANAGED, demo.tier(), demo.haPriority(), Set.of(), Set.of(), Set.of(), List.of(),
                    List.of());
            operations.submit(VmPlans.create(vm, host, true, "demo"));
        }
    }
}
