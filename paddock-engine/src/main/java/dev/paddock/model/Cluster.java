package dev.paddock.model;

/** A group of hosts of one site that share networks and datastores, the unit of HA and balancing. */
public record Cluster(String id, String siteId, String name, boolean haEnabled, int toleratedHostFailures) {
    public Cluster {
        Ids.require(id, "cluster id");
        Ids.require(siteId, "cluster site id");
        Ids.require(name, "cluster name");
        if (toleratedHostFailures < 0) {
            throw new IllegalArgumentException("tolerated host failures must be >= 0");
        }
    }
}
