package dev.paddock.model;

/** A place with its own hosts, networks and datastores: a machine room, or a recovery site. */
public record Site(String id, String name, String description) {
    public Site {
        Ids.require(id, "site id");
        Ids.require(name, "site name");
        description = description == null ? "" : description;
    }
}
