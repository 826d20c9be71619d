package dev.paddock.backup;

/** Progress of a prune, for an operation's progress and log. Each call comes from the pruning thread. */
public interface PruneListener {

    PruneListener NONE = new PruneListener() {};

    /** The mark is done: {@code candidates} chunks are referenced by no point and no running writer. */
    default void marked(int candidates) {}

    /** A candidate chunk is set aside in the trash. */
    default void setAside(String chunk) {}

    /** A chunk set aside is deleted for good. */
    default void deleted(String chunk) {}
}
