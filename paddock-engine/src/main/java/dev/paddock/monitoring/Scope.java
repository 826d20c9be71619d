package dev.paddock.monitoring;

/**
 * Which subjects a threshold watches: every one of its metric's kind ({@link Kind#ALL}), those of a site or a
 * cluster, the VMs of one host, or one host, VM or datastore.
 *
 * @param id the site, cluster, host, VM or datastore; "" for {@link Kind#ALL}
 */
public record Scope(Kind kind, String id) {

    public enum Kind {
        ALL, SITE, CLUSTER, HOST, VM, DATASTORE;

        /** The name the API and the CLI use: "cluster". */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final Scope ALL = new Scope(Kind.ALL, "");

    public Scope {
        id = id == null ? "" : id;
        if ((kind == Kind.ALL) != id.isEmpty()) {
            throw new IllegalArgumentException("a scope names an object unless it is all of them: " + kind + " " + id);
        }
    }

    /** Whether a scope of this kind can hold subjects of {@code subject}'s kind. */
    public boolean fits(Metric.Subject subject) {
        return switch (kind) {
            case ALL, SITE, CLUSTER -> true;
            case HOST -> subject != Metric.Subject.DATASTORE;
            case VM -> subject == Metric.Subject.VM;
            case DATASTORE -> subject == Metric.Subject.DATASTORE;
        };
    }

    @Override
    public String toString() {
        return kind == Kind.ALL ? "all" : kind.key() + " " + id;
    }
}
