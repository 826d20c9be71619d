package dev.paddock.model;

/** A virtual disk of a VM, held on a datastore. */
public record Disk(String name, String datastoreId, long sizeGib) {
    public Disk {
        Ids.require(name, "disk name");
        Ids.require(datastoreId, "disk datastore id");
        if (sizeGib <= 0) {
            throw new IllegalArgumentException("disk size must be positive");
        }
    }
}
