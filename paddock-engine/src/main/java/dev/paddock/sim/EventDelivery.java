package dev.paddock.sim;

import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.hypervisor.HypervisorEvent;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Hands events to listeners in the order of the changes that caused them, never under the sim's lock.
 *
 * <p>The sim enqueues events while it holds its lock, so the queue's order is the order of the changes; the
 * calling thread then delivers, after releasing that lock. One thread delivers at a time; a listener that
 * calls back into the sim does not deliver recursively: its events follow once it returns.
 */
final class EventDelivery {

    private static final System.Logger LOG = System.getLogger(EventDelivery.class.getName());

    private final List<Consumer<HypervisorEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Queue<HypervisorEvent> outbox = new ConcurrentLinkedQueue<>();
    private final ReentrantLock delivering = new ReentrantLock();

    Hypervisor.Subscription subscribe(Consumer<HypervisorEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void enqueue(HypervisorEvent event) {
        if (!listeners.isEmpty()) {
            outbox.add(event);
        }
    }

    void deliver() {
        if (delivering.isHeldByCurrentThread()) {
            return;
        }
        delivering.lock();
        try {
            for (HypervisorEvent event = outbox.poll(); event != null; event = outbox.poll()) {
                for (Consumer<HypervisorEvent> listener : listeners) {
                    notify(listener, event);
                }
            }
        } finally {
            delivering.unlock();
        }
    }

    void clear() {
        listeners.clear();
        outbox.clear();
    }

    private static void notify(Consumer<HypervisorEvent> listener, HypervisorEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            // A broken listener must not starve the others of events.
            LOG.log(System.Logger.Level.WARNING, "event listener failed on " + event + ": " + e);
        }
    }
}
