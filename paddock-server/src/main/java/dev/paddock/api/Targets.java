package dev.paddock.api;

import dev.paddock.model.Cluster;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.Operations;
import dev.paddock.security.Target;
import dev.paddock.store.InventoryStore;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The site and cluster of the object a request's path names, for scoped grants: a VM's or host's cluster, a
 * cluster's site, a site, a network's, datastore's or image's site, an operation's object's. The object is the one
 * named by the
 * {@code {id}} after its collection in the route's template; a path that names none, or an id that names nothing,
 * is the room.
 */
final class Targets {

    private final InventoryStore store;
    private final Operations operations;

    Targets(InventoryStore store, Operations operations) {
        this.store = store;
        this.operations = operations;
    }

    InventoryStore store() {
        return store;
    }

    Target of(String template, String path) {
        String[] names = template.split("/");
        String[] values = path.split("/");
        for (int i = 1; i < names.length && i < values.length; i++) {
            if (names[i].equals("{id}")) {
                String id = URLDecoder.decode(values[i], StandardCharsets.UTF_8);
                return named(names[i - 1], id).orElse(Target.ROOM);
            }
        }
        return Target.ROOM;
    }

    private Optional<Target> named(String collection, String id) {
        return switch (collection) {
            case "vms" -> store.vm(id).flatMap(vm -> cluster(vm.clusterId()));
            case "hosts" -> store.host(id).flatMap(host -> cluster(host.clusterId()));
            case "clusters" -> cluster(id);
            case "sites" -> store.site(id).map(site -> Target.site(site.id()));
            case "networks" -> store.network(id).map(network -> Target.site(network.siteId()));
            case "datastores" -> store.datastore(id).map(datastore -> Target.site(datastore.siteId()));
            case "images" -> store.image(id).flatMap(image -> store.datastore(image.datastoreId()))
                    .map(datastore -> Target.site(datastore.siteId()));
            case "operations" -> operations.get(id).flatMap(this::ofOperation);
            default -> Optional.empty();
        };
    }

    /**
     * Where an operation acts: on the VM, host, network, datastore or image its target names (operations name their
     * object by id); empty for one that acts on the room or on what is gone.
     */
    Optional<Target> ofOperation(OperationView operation) {
        String id = operation.target();
        for (String collection : new String[] {"vms", "hosts", "networks", "datastores", "images", "clusters"}) {
            Optional<Target> target = named(collection, id);
            if (target.isPresent()) {
                return target;
            }
        }
        return Optional.empty();
    }

    private Optional<Target> cluster(String clusterId) {
        return store.cluster(clusterId).map((Cluster cluster) -> Target.cluster(cluster.siteId(), cluster.id()));
    }
}
