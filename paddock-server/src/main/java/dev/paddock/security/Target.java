package dev.paddock.security;

import java.util.Optional;

/**
 * What a request acts on, as far as scopes care: the site and cluster of the object its path names. A request that
 * names no object (a list, a create, a room-wide setting) acts on the room, which only room-wide grants cover.
 */
public record Target(Optional<String> siteId, Optional<String> clusterId) {

    public static final Target ROOM = new Target(Optional.empty(), Optional.empty());

    public static Target site(String siteId) {
        return new Target(Optional.of(siteId), Optional.empty());
    }

    public static Target cluster(String siteId, String clusterId) {
        return new Target(Optional.of(siteId), Optional.of(clusterId));
    }

    @Override
    public String toString() {
        return clusterId.map(id -> "cluster '" + id + "'")
                .or(() -> siteId.map(id -> "site '" + id + "'"))
                .orElse("the room");
    }
}
