package dev.paddock.operation;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Runs work on a shared executor, one item at a time per target: two operations on one VM never run
 * together, operations on different VMs do. Each target's lane is a chain of futures, dropped once empty.
 */
final class TargetLanes {

    private final Executor executor;
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();

    TargetLanes(Executor executor) {
        this.executor = executor;
    }

    /** Queues {@code work} behind everything queued for {@code target}; completes when it has run. */
    synchronized CompletableFuture<Void> enqueue(String target, Runnable work) {
        CompletableFuture<Void> previous = tails.getOrDefault(target, CompletableFuture.completedFuture(null));
        CompletableFuture<Void> next = previous.handleAsync((ignored, failure) -> {
            work.run();
            return null;
        }, executor);
        tails.put(target, next);
        next.whenComplete((ignored, failure) -> release(target, next));
        return next;
    }

    private synchronized void release(String target, CompletableFuture<Void> finished) {
        tails.remove(target, finished);
    }
}
