package dev.paddock.operation;

import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.store.InventoryStore;
import dev.paddock.store.Page;
import java.time.Clock;
import dev.paddock.operation.plan.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs operations from the journal. A submitted plan is journaled whole before any step acts; each
 * step is journaled RUNNING before it acts and DONE after, so {@link #start} can finish, after a crash,
 * every operation the journal shows unfinished: it re-runs the RUNNING step (steps are idempotent) and
 * goes on, or rolls back when the operation was being cancelled or had failed.
 *
 * <p>Operations run on a small pool; operations with the same target run one after another.
 * Closing lets each running operation finish its current step and leaves the rest for the next start.
 */
public final class OperationRunner implements Operations, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OperationRunner.class);

    private final OperationJournal journal;
    private final StepExecutor executor;
    private final Clock clock;
    private final ExecutorService pool;
    private final TargetLanes lanes;
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();
    private final List<Consumer<String>> finishedListeners = new CopyOnWriteArrayList<>();
    private volatile boolean started;
    private volatile boolean closing;

    public OperationRunner(OperationJournal journal, InventoryStore store, Hypervisor hypervisor, Clock clock,
            int threads) {
        this(journal, store, hypervisor, HostFencing.NONE, clock, threads);
    }

    /** A runner whose {@code FenceHost} steps power hosts off through {@code fencing}. */
    public OperationRunner(OperationJournal journal, InventoryStore store, Hypervisor hypervisor, HostFencing fencing,
            Clock clock, int threads) {
        this(journal, store, hypervisor, fencing, BackupCopies.NONE, clock, threads);
    }

    /** A runner whose backup and restore steps read and write restore points through {@code backups}. */
    public OperationRunner(OperationJournal journal, InventoryStore store, Hypervisor hypervisor, HostFencing fencing,
            BackupCopies backups, Clock clock, int threads) {
        this.journal = journal;
        this.executor = new StepExecutor(hypervisor, store, () -> closing, fencing,
                new dev.paddock.storage.LibnfsExports(), backups);
        this.clock = clock;
        this.pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("operation-", 1).factory());
        this.lanes = new TargetLanes(pool);
    }

    public OperationRunner(OperationJournal journal, InventoryStore store, Hypervisor hypervisor) {
        this(journal, store, hypervisor, Clock.systemUTC(), 4);
    }

    public OperationRunner(OperationJournal journal, InventoryStore store, Hypervisor hypervisor, HostFencing fencing) {
        this(journal, store, hypervisor, fencing, Clock.systemUTC(), 4);
    }

    /** Resumes every unfinished operation of the journal, then accepts new ones. Call once. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("the operation runner is already started");
        }
        List<String> unfinished = journal.unfinished();
        if (!unfinished.isEmpty()) {
            LOG.info("resuming {} unfinished operations: {}", unfinished.size(), unfinished);
        }
        for (String id : unfinished) {
            journal.entry(id).ifPresent(entry -> schedule(id, entry.view().target()));
        }
        started = true;
    }

    /**
     * The runner takes no work: not started yet, shutting down, or stopped because this server lost its leader
     * lease. The API answers 503: another server may be the one to ask.
     */
    public static final class NotRunning extends IllegalStateException {
        NotRunning() {
            super("the operation runner is not running");
        }
    }

    @Override
    public OperationView submit(OperationPlan plan) {
        if (!started || closing) {
            throw new NotRunning();
        }
        String id = journal.create(plan, clock.instant());
        LOG.info("operation {} {} on {} by {}: {} steps", id, plan.kind(), plan.target(), plan.owner(),
                plan.steps().size());
        OperationView view = journal.view(id).orElseThrow();
        schedule(id, plan.target());
        return view;
    }

    @Override
    public Optional<OperationView> get(String id) {
        return journal.view(id);
    }

    @Override
    public Page<OperationView> list(int offset, int limit) {
        return journal.list(offset, limit);
    }

    /** One query over the journal rather than paging through every operation. */
    @Override
    public Map<OperationState, Long> countByState() {
        return journal.countByState();
    }

    @Override
    public void onFinished(Consumer<String> listener) {
        finishedListeners.add(listener);
    }

    @Override
    public Map<String, OperationPlan> unfinishedPlans() {
        Map<String, OperationPlan> plans = new LinkedHashMap<>();
        for (String id : journal.unfinished()) {
            journal.entry(id).ifPresent(entry -> plans.put(id, new OperationPlan(entry.view().kind(),
                    entry.view().target(), entry.view().owner(), entry.steps())));
        }
        return plans;
    }

    /**
     * Marks the operation cancelled: it stops before its next step and rolls back what it did. A step running a
     * live migration is stopped too (the hypervisor aborts the job; the VM keeps running where it was), so a
     * long migration does not hold the cancel until it ends.
     */
    @Override
    public boolean cancel(String id) {
        boolean accepted = journal.requestCancel(id, clock.instant());
        if (accepted) {
            LOG.info("operation {} cancel requested", id);
            running(id).forEach(step -> {
                try {
                    executor.abort(step);
                } catch (RuntimeException e) {
                    LOG.warn("operation {}: stopping its running step: {}", id, e.getMessage());
                }
            });
        }
        return accepted;
    }

    @Override
    public double progress(OperationView view) {
        if (view.stepsTotal() == 0 || view.state().isFinal()) {
            return view.progress();
        }
        double partial = running(view.id()).stream().mapToDouble(step -> executor.partDone(step).orElse(0.0)).sum();
        return Math.min(1.0, (view.stepsDone() + partial) / view.stepsTotal());
    }

    /** The steps of the operation that are running now. */
    private List<Step> running(String id) {
        return journal.entry(id).map(entry -> {
            List<Step> steps = new ArrayList<>();
            for (int i = 0; i < entry.steps().size(); i++) {
                if (entry.stepState(i) == StepState.RUNNING) {
                    steps.add(entry.steps().get(i));
                }
            }
            return steps;
        }).orElse(List.of());
    }

    /** Waits until every operation scheduled so far has stopped; for tests and orderly shutdown. */
    public void awaitIdle(long timeout, TimeUnit unit) throws Exception {
        CompletableFuture.allOf(new ArrayList<>(inFlight).toArray(CompletableFuture[]::new)).get(timeout, unit);
    }

    private void schedule(String id, String target) {
        if (!scheduled.add(id)) {
            return;
        }
        OperationRun run = new OperationRun(id, journal, executor, clock, () -> closing);
        CompletableFuture<Void> done = lanes.enqueue(target, () -> {
            try {
                run.run();
            } catch (RuntimeException e) {
                LOG.error("operation {} stopped by an unexpected error; it resumes on the next start", id, e);
            } finally {
                scheduled.remove(id);
                finished(id);
            }
        });
        inFlight.add(done);
        done.whenComplete((ignored, failure) -> inFlight.remove(done));
    }

    private void finished(String id) {
        if (journal.view(id).filter(view -> view.state().isFinal()).isEmpty()) {
            return;
        }
        for (Consumer<String> listener : finishedListeners) {
            try {
                listener.accept(id);
            } catch (RuntimeException e) {
                LOG.error("a listener of operation {}'s end failed", id, e);
            }
        }
    }

    /** Stops taking work, lets running steps finish, and leaves what remains in the journal. */
    @Override
    public void close() {
        closing = true;
        pool.shutdown();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("operations still running after 30 s; interrupting them");
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
