package dev.paddock.store;

import dev.paddock.model.Cluster;
import dev.paddock.model.Datastore;
import dev.paddock.model.Image;
import dev.paddock.model.Template;
import dev.paddock.model.Host;
import dev.paddock.model.Network;
import dev.paddock.model.Room;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The persistent inventory: what Paddock believes the room is. A port, implemented over JDBC for H2 and
 * PostgreSQL alike; the same store tests run against both.
 *
 * <p>Writes are upserts keyed by id, so a controller can replay them. Names are unique within their
 * scope (site names globally, cluster names per site, host names globally, VM names per cluster,
 * network and datastore names per site); a write that breaks that throws {@link DuplicateNameException}.
 */
public interface InventoryStore {

    List<Site> sites();

    Optional<Site> site(String id);

    void put(Site site);

    List<Cluster> clusters();

    Optional<Cluster> cluster(String id);

    void put(Cluster cluster);

    List<Host> hosts();

    Optional<Host> host(String id);

    void put(Host host);

    /** Deletes a host; it must have no VMs. Returns false when it was absent. */
    boolean deleteHost(String id);

    Page<Vm> vms(int offset, int limit);

    /**
     * At most {@code limit} VMs that {@code filter} keeps, in (name, id) order, from just after {@code after}: a page
     * that costs the same at the 100,000th VM as at the first (a keyset over the (name, id) index, no offset to
     * skip). {@code total} counts every VM the filter keeps; {@code offset} is 0.
     */
    Page<Vm> vmsAfter(VmFilter filter, java.util.Optional<VmKey> after, int limit);

    /** Which VMs a list shows: names containing {@code nameContains} (any case; empty keeps all), of an origin. */
    record VmFilter(String nameContains, java.util.Optional<dev.paddock.model.VmOrigin> origin) {
        public static final VmFilter ALL = new VmFilter("", java.util.Optional.empty());
    }

    /** A VM's place in the (name, id) order of lists: a page continues after the last VM of the one before. */
    record VmKey(String name, String id) {
        public static VmKey of(Vm vm) {
            return new VmKey(vm.name(), vm.id());
        }
    }

    List<Vm> vmsOnHost(String hostId);

    Optional<Vm> vm(String id);

    Optional<Vm> vmByName(String clusterId, String name);

    void put(Vm vm);

    /** Writes many VMs in one transaction: used by resync. */
    void putAll(Collection<Vm> vms);

    /**
     * Records what hosts report of VMs still in the store: where each runs and its run state, and nothing
     * else, in one transaction. VMs no longer in the store are skipped. For the inventory controller, whose
     * listing may be a moment old: it must neither bring back a VM deleted since nor undo what an operation
     * changed meanwhile (an origin, a name, a priority). Returns how many were written.
     */
    int updateObserved(Collection<Vm> vms);

    /** Returns false when it was absent. */
    boolean deleteVm(String id);

    List<Network> networks();

    Optional<Network> network(String id);

    void put(Network network);

    /**
     * Records what the hosts say carries a network: a network already stored gets {@code network}'s carriers and
     * keeps the rest of its row (what its maker said of it: isolation, VLAN), even when that row was written after
     * {@code network} was read; one not stored is written whole.
     */
    void putCarriers(Network network);

    /** Returns false when it was absent. */
    boolean deleteNetwork(String id);

    /** The licences, by name. */
    List<dev.paddock.model.Licence> licences();

    /** Adds a licence or replaces the one of its name. */
    void put(dev.paddock.model.Licence licence);

    /** Returns false when it was absent; its bindings go with it. */
    boolean deleteLicence(String name);

    /** Where every VM's licences are bound. */
    List<dev.paddock.model.Licensing.Binding> licenceBindings();

    /** Binds a VM's licence to a host, replacing its earlier binding. */
    void put(dev.paddock.model.Licensing.Binding binding);

    /** Forgets the bindings of VMs and licences that no longer exist. */
    void forgetBindings(java.util.Set<String> vmIds, java.util.Set<String> licences);

    /** How a cluster balances itself, or empty for the default (off). */
    java.util.Optional<dev.paddock.drs.BalancingPolicy> balancingPolicy(String clusterId);

    /** Sets how a cluster balances itself. */
    void put(String clusterId, dev.paddock.drs.BalancingPolicy policy);

    /** When balancing last moved each VM, for those it moved since {@code since}. */
    java.util.Map<String, java.time.Instant> balancingMoves(java.time.Instant since);

    /** How a cluster saves power, or empty for the default (off). */
    java.util.Optional<dev.paddock.drs.PowerPolicy> powerPolicy(String clusterId);

    /** Sets how a cluster saves power. */
    void put(String clusterId, dev.paddock.drs.PowerPolicy policy);

    /** The hosts power saving put in standby (and those it woke since). */
    List<dev.paddock.drs.HostStandby> standbys();

    /** Records a host's standby, replacing its earlier record. */
    void put(dev.paddock.drs.HostStandby standby);

    /** Balancing moved these VMs at {@code at} in operation {@code operationId}: each replaces the VM's last move. */
    void recordBalancingMoves(List<dev.paddock.drs.BalanceMove> moves, java.time.Instant at, String operationId);

    List<Datastore> datastores();

    Optional<Datastore> datastore(String id);

    void put(Datastore datastore);

    /**
     * Records what the hosts' pools say of a datastore still in the store: its hosts, sizes and pool names, nothing
     * else. For discovery, whose listing may be a moment old: a datastore removed since (an operation rolled back)
     * is not brought back. Returns false when it was absent.
     */
    boolean updateObserved(Datastore datastore);

    /** Returns false when it was absent. */
    boolean deleteDatastore(String id);

    /** Every image of every datastore's library, by datastore then name. */
    List<Image> images();

    Optional<Image> image(String id);

    /** Adds or replaces an image; a second image of one name in a datastore is a {@link DuplicateNameException}. */
    void put(Image image);

    /** Returns false when it was absent. */
    boolean deleteImage(String id);

    List<Template> templates();

    Optional<Template> template(String id);

    Optional<Template> templateByName(String name);

    /** Adds or replaces a template; a second template of one name is a {@link DuplicateNameException}. */
    void put(Template template);

    /** Returns false when it was absent. */
    boolean deleteTemplate(String id);

    /** A consistent snapshot of the whole inventory, for planners. */
    Room room();
}
