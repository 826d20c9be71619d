package dev.paddock.api;

import dev.paddock.model.Cluster;
import dev.paddock.model.Datastore;
import dev.paddock.model.Host;
import dev.paddock.model.Image;
import dev.paddock.model.Network;
import dev.paddock.model.Site;
import dev.paddock.model.Template;
import dev.paddock.model.Vm;
import dev.paddock.operation.OperationView;
import dev.paddock.security.Caller;
import dev.paddock.security.Permission;
import dev.paddock.security.Target;
import dev.paddock.store.InventoryStore;
import dev.paddock.store.Page;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * What of a list its caller may see: the items on the scopes where they hold the list's permission. A caller with
 * the permission on the room sees everything (and lists page in the store as before); one with a grant on a site or a
 * cluster sees that site's or cluster's VMs, hosts, networks, datastores, images and templates, the sites and
 * clusters above them (to find their way), and the operations on those objects or that they started themselves.
 * {@link Guard} leaves one on every {@link SecuredRoutes#list list} request.
 */
final class Visible {

    private static final String ATTRIBUTE = "paddock.visible";
    private static final int PAGE = 1000;

    private final Caller caller;
    private final Permission permission;
    private final InventoryStore store;
    private final Targets targets;
    private final boolean everything;
    private final Map<String, Boolean> clusters = new HashMap<>();

    private Visible(Caller caller, Permission permission, Targets targets) {
        this.caller = caller;
        this.permission = permission;
        this.store = targets.store();
        this.targets = targets;
        this.everything = caller.mayEverywhere(permission);
    }

    static void leave(Context ctx, Caller caller, Permission permission, Targets targets) {
        ctx.attribute(ATTRIBUTE, new Visible(caller, permission, targets));
    }

    /** The filter of a list request. */
    static Visible to(Context ctx) {
        Visible visible = ctx.attribute(ATTRIBUTE);
        if (visible == null) {
            throw new IllegalStateException(ctx.method() + " " + ctx.path() + " is not registered as a list");
        }
        return visible;
    }

    /** Whether the caller sees every item: they hold the permission on the room. */
    boolean everything() {
        return everything;
    }

    /** The items of {@code items} the caller may see, in their order. */
    <T> List<T> only(List<T> items, Predicate<T> seen) {
        if (everything) {
            return items;
        }
        return items.stream().filter(seen).toList();
    }

    /**
     * A page of what the caller may see: from {@code source}'s own paging when they see everything, otherwise by
     * reading {@code source} through and counting only what they may see.
     */
    <T> Page<T> page(BiFunction<Integer, Integer, Page<T>> source, Predicate<T> seen, int offset, int limit) {
        if (everything) {
            return source.apply(offset, limit);
        }
        List<T> all = new ArrayList<>();
        for (int from = 0; ; from += PAGE) {
            Page<T> page = source.apply(from, PAGE);
            all.addAll(only(page.items(), seen));
            if (page.items().size() < PAGE) {
                break;
            }
        }
        int first = Math.min(offset, all.size());
        int last = (int) Math.min(all.size(), (long) first + limit);
        return new Page<>(List.copyOf(all.subList(first, last)), all.size(), offset, limit);
    }

    boolean vm(Vm vm) {
        return inCluster(vm.clusterId());
    }

    boolean host(Host host) {
        return inCluster(host.clusterId());
    }

    boolean cluster(Cluster cluster) {
        return covers(Target.cluster(cluster.siteId(), cluster.id()));
    }

    /** A site is seen by whom holds the permission on it, or on one of its clusters (the way to them). */
    boolean site(Site site) {
        return covers(Target.site(site.id())) || store.clusters().stream()
                .anyMatch(cluster -> cluster.siteId().equals(site.id()) && cluster(cluster));
    }

    boolean network(Network network) {
        return covers(Target.site(network.siteId()));
    }

    boolean datastore(Datastore datastore) {
        return covers(Target.site(datastore.siteId()));
    }

    boolean image(Image image) {
        return store.datastore(image.datastoreId()).map(this::datastore).orElse(false);
    }

    boolean template(Template template) {
        return store.image(template.imageId()).map(this::image).orElse(false);
    }

    /** An operation is seen by whom started it, and by whom may see the object it acts on. */
    boolean operation(OperationView operation) {
        return operation.owner().equals(caller.name()) || targets.ofOperation(operation).map(this::covers).orElse(false);
    }

    private boolean covers(Target target) {
        return caller.may(permission, target);
    }

    private boolean inCluster(String clusterId) {
        return clusters.computeIfAbsent(clusterId, id -> store.cluster(id).map(this::cluster).orElse(false));
    }
}
