package dev.paddock.libvirt;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.Collections;

/**
 * Which libvirt connections calls are using, so that a connection is closed only once no call is inside it: libvirt
 * frees a closed connection at once, and a call another thread is making on it then reads freed memory (the process
 * dies). A lost host's connection is retired; the last call to leave it closes it, or the retirement itself when none
 * is inside. Thread-safe.
 *
 * @param <C> the connection
 */
final class ConnectionUses<C> {

    private final Map<C, Integer> users = new IdentityHashMap<>();
    private final Set<C> retired = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<C, Runnable> closers = new IdentityHashMap<>();

    /** Counts a call in; false when the connection is retired, and the call must not use it. */
    synchronized boolean enter(C connection) {
        if (retired.contains(connection)) {
            return false;
        }
        users.merge(connection, 1, Integer::sum);
        return true;
    }

    /** Counts a call out; the last one out of a retired connection closes it. */
    void leave(C connection) {
        Runnable close;
        synchronized (this) {
            Integer left = users.merge(connection, -1, Integer::sum);
            if (left == null || left > 0) {
                return;
            }
            users.remove(connection);
            close = closers.remove(connection);
        }
        if (close != null) {
            close.run();
        }
    }

    /**
     * No call may enter the connection any more; {@code close} runs now when no call is inside it, else when the last
     * one leaves.
     */
    void retire(C connection, Runnable close) {
        synchronized (this) {
            retired.add(connection);
            if (users.containsKey(connection)) {
                closers.put(connection, close);
                return;
            }
        }
        close.run();
    }

    /** How many calls are inside the connection now. */
    synchronized int inside(C connection) {
        return users.getOrDefault(connection, 0);
    }
}
