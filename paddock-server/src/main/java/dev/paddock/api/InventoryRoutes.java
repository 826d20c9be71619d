package dev.paddock.api;

import dev.paddock.hypervisor.HostFacts;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.model.Cluster;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.Site;
import dev.paddock.security.Permission;
import dev.paddock.store.DuplicateNameException;
import dev.paddock.store.HostInUseException;
import dev.paddock.store.InventoryStore;
import dev.paddock.store.Page;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.router.JavalinDefaultRoutingApi;
import dev.paddock.audit.AuditChange;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Sites, clusters and hosts: read them, and add new ones (networks are {@link NetworkRoutes}', datastores
 * {@link DatastoreRoutes}'). */
final class InventoryRoutes {

    private final InventoryStore store;
    private final Hypervisor hypervisor;
    private final AuditTrail audit;

    InventoryRoutes(InventoryStore store, Hypervisor hypervisor, AuditTrail audit) {
        this.audit = audit;
        this.store = store;
        this.hypervisor = hypervisor;
    }

    void register(SecuredRoutes routes) {
        String base = RestApi.BASE;
        routes.list(base + "/sites", Permission.HOST_READ, ctx -> ctx.json(whole(Visible.to(ctx).only(store.sites(),
                Visible.to(ctx)::site))));
        routes.get(base + "/sites/{id}", Permission.HOST_READ, ctx -> ctx.json(store.site(id(ctx)).orElseThrow(() -> missing("site", ctx))));
        routes.post(base + "/sites", Permission.HOST_MANAGE, this::createSite);
        routes.list(base + "/clusters", Permission.HOST_READ, ctx -> ctx.json(whole(Visible.to(ctx).only(store.clusters(),
                Visible.to(ctx)::cluster))));
        routes.get(base + "/clusters/{id}", Permission.HOST_READ,
                ctx -> ctx.json(store.cluster(id(ctx)).orElseThrow(() -> missing("cluster", ctx))));
        routes.post(base + "/clusters", Permission.HOST_MANAGE, this::createCluster);
        routes.list(base + "/hosts", Permission.HOST_READ, ctx -> ctx.json(whole(Visible.to(ctx).only(store.hosts(),
                Visible.to(ctx)::host))));
        routes.get(base + "/hosts/{id}", Permission.HOST_READ, ctx -> ctx.json(store.host(id(ctx)).orElseThrow(() -> missing("host", ctx))));
        routes.post(base + "/hosts", Permission.HOST_MANAGE, this::createHost);
        routes.delete(base + "/hosts/{id}", Permission.HOST_MANAGE, this::deleteHost);
    }

    /** The sites table's column. */
    private static final int SITE_DESCRIPTION_MAX = 4000;

    private void createSite(Context ctx) {
        Requests.NewSite request = RequestBody.read(ctx, Requests.NewSite.class);
        String name = Requests.name(request.name(), "name");
        if (request.description() != null && request.description().length() > SITE_DESCRIPTION_MAX) {
            throw new PaddockException.InvalidValue("Field 'description' takes at most " + SITE_DESCRIPTION_MAX
                    + " characters; got " + request.description().length() + ".");
        }
        Site site = new Site(newId(), name, request.description());
        put(() -> store.put(site), "site", name);
        created(ctx, "sites", site.id(), site);
    }

    private void createCluster(Context ctx) {
        Requests.NewCluster request = RequestBody.read(ctx, Requests.NewCluster.class);
        String siteId = existingSite(request.siteId());
        String name = Requests.name(request.name(), "name");
        int tolerated = request.toleratedHostFailures() == null ? 1 : request.toleratedHostFailures();
        Requests.between(tolerated, 0, 64, "toleratedHostFailures", "");
        boolean ha = request.haEnabled() == null || request.haEnabled();
        Cluster cluster = new Cluster(newId(), siteId, name, ha, tolerated);
        put(() -> store.put(cluster), "cluster", name);
        created(ctx, "clusters", cluster.id(), cluster);
    }

    /** Adding a host connects to it first: its capacity and CPU are what the hypervisor says, not what we are told. */
    private void createHost(Context ctx) {
        Requests.NewHost request = RequestBody.read(ctx, Requests.NewHost.class);
        String clusterId = Requests.required(request.clusterId(), "clusterId");
        if (store.cluster(clusterId).isEmpty()) {
            throw new PaddockException.InvalidValue("Field 'clusterId' names no cluster: '" + clusterId + "'.");
        }
        String name = Requests.name(request.name(), "name");
        String uri = Requests.required(request.uri(), "uri");
        if (store.hosts().stream().anyMatch(host -> host.name().equals(name))) {
            throw duplicate("host", name);
        }
        String id = newId();
        HostFacts facts = attach(id, uri);
        Host host = new Host(id, clusterId, name, uri, facts.capacity(), HostState.CONNECTED, PowerState.ON, Set.of(),
                facts.cpu());
        try {
            store.put(host);
        } catch (DuplicateNameException e) {
            hypervisor.detach(id);
            throw duplicate("host", name);
        }
        created(ctx, "hosts", id, host);
    }

    /** A URI that no host answers at is the request's fault when the host is being added: a 422, not a 502. */
    private HostFacts attach(String id, String uri) {
        try {
            return hypervisor.attach(id, uri);
        } catch (HypervisorException e) {
            if (e.reason() == HypervisorException.Reason.UNREACHABLE) {
                throw new PaddockException.InvalidValue("Field 'uri': no host answers at " + uri + " ("
                        + e.getMessage() + ").");
            }
            throw e;
        }
    }

    /** Removes an empty host from the inventory and closes its connection; its VMs must be gone first. */
    private void deleteHost(Context ctx) {
        Host host = store.host(id(ctx)).orElseThrow(() -> missing("host", ctx));
        try {
            store.deleteHost(host.id());
        } catch (HostInUseException e) {
            int placed = store.vmsOnHost(host.id()).size();
            throw new PaddockException.Conflict("Host '" + host.name() + "' still holds " + placed
                    + (placed == 1 ? " VM" : " VMs") + "; move or delete them first.");
        }
        hypervisor.detach(host.id());
        audit.record(ctx, new AuditNote("host.delete", host.id(), "remove host " + host.name() + " (" + host.uri() + ")",
                AuditChange.removed(host)));
        ctx.status(HttpStatus.NO_CONTENT);
    }

    String existingSite(String siteId) {
        Requests.required(siteId, "siteId");
        if (store.site(siteId).isEmpty()) {
            throw new PaddockException.InvalidValue("Field 'siteId' names no site: '" + siteId + "'.");
        }
        return siteId;
    }

    static void put(Runnable write, String kind, String name) {
        try {
            write.run();
        } catch (DuplicateNameException e) {
            throw duplicate(kind, name);
        }
    }

    static PaddockException duplicate(String kind, String name) {
        return new PaddockException.Conflict("A " + kind + " named '" + name + "' already exists.");
    }

    static <T> Page<T> whole(List<T> items) {
        return new Page<>(items, items.size(), 0, items.size());
    }

    static String id(Context ctx) {
        return ctx.pathParam("id");
    }

    static PaddockException missing(String kind, Context ctx) {
        return new PaddockException.NotFound("No " + kind + " has id '" + id(ctx) + "'.");
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    static void created(Context ctx, String collection, String id, Object body) {
        ctx.status(HttpStatus.CREATED).header("Location", RestApi.BASE + "/" + collection + "/" + id).json(body);
    }
}
