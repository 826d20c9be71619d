package dev.paddock.security;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a grant holds: the whole room, one site, or one cluster. A grant on a site holds for its clusters, hosts and
 * VMs; a grant on a cluster for its hosts and VMs.
 *
 * @param id the site's or the cluster's id; empty for the room
 */
public record Scope(Kind kind, Optional<String> id) {

    public static final Scope ROOM = new Scope(Kind.ROOM, Optional.empty());

    public enum Kind {
        ROOM,
        SITE,
        CLUSTER
    }

    public Scope {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        if ((kind == Kind.ROOM) != id.isEmpty()) {
            throw new IllegalArgumentException("a room scope has no id, a site or cluster scope has one");
        }
    }

    public static Scope site(String id) {
        return new Scope(Kind.SITE, Optional.of(id));
    }

    public static Scope cluster(String id) {
        return new Scope(Kind.CLUSTER, Optional.of(id));
    }

    /** Whether a grant on this scope holds for {@code target}. */
    public boolean covers(Target target) {
        return switch (kind) {
            case ROOM -> true;
            case SITE -> target.siteId().equals(id);
            case CLUSTER -> target.clusterId().equals(id);
        };
    }

    @Override
    public String toString() {
        return kind == Kind.ROOM ? "the room" : kind.name().toLowerCase() + " '" + id.orElseThrow() + "'";
    }
}
