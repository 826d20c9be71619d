package dev.paddock.operation;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.model.Resources;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import dev.paddock.server.sim.RealTimeClock;
import dev.paddock.server.sim.RoomFile;
import dev.paddock.sim.CallKind;
import dev.paddock.sim.Fault;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.store.Database;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.JdbcOperationJournal;
import dev.paddock.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server the crash test kills: an H2 store, the runner and a simulated room kept in a state file, in a
 * JVM of its own. {@code submit} builds the room (every call that changes a domain is slow) and submits one
 * operation that creates two VMs; {@code submit-cancel} does the same and cancels it once the first VM has
 * started, so that it rolls back; {@code resume} only starts the runner, which must finish what the journal
 * holds. All print each effect the room reports, then FINISHED once no operation is left unfinished.
 *
 * <p>Arguments: database directory, state file, {@code submit}, {@code submit-cancel} or {@code resume}.
 */
public final class CrashChild {

    static final Duration SLOW = Duration.ofMillis(800);

    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        Path database = Path.of(args[0]);
        Path stateFile = Path.of(args[1]);
        boolean submit = args[2].startsWith("submit");
        boolean cancel = args[2].equals("submit-cancel");
        boolean fresh = !Files.exists(stateFile);
        try (RealTimeClock clock = new RealTimeClock();
                SimulatedHypervisor sim = RoomFile.open(stateFile, clock, 11);
                HikariDataSource dataSource = Database.open(StoreConfig.h2In(database))) {
            if (fresh) {
                sim.addHost("node-1", Resources.of(16_000, 65_536, 1_000, 10_000));
                for (CallKind kind : List.of(CallKind.DEFINE, CallKind.START, CallKind.DESTROY, CallKind.UNDEFINE)) {
                    sim.inject(new Fault.SlowCalls(kind, SLOW));
                }
            }
            sim.attach("h1", "sim://node-1");
            OperationRunner runner = new OperationRunner(new JdbcOperationJournal(dataSource), new JdbcInventoryStore(dataSource), sim,
                    Clock.systemUTC(), 2);
            AtomicReference<String> submitted = new AtomicReference<>();
            sim.subscribe(event -> {
                if (event instanceof HypervisorEvent.DomainEvent domain) {
                    say("EFFECT " + domain.kind() + " " + domain.uuid());
                    // Delivered on the runner's thread before it journals the start: the cancel is seen next.
                    if (cancel && domain.kind() == HypervisorEvent.DomainEventKind.STARTED) {
                        runner.cancel(submitted.get());
                    }
                }
            });
            runner.start();
            if (submit) {
                List<Step> steps = new ArrayList<>(OperationFixtures.createSteps("v1", "web-1", "h1"));
                steps.addAll(OperationFixtures.createSteps("v2", "web-2", "h1"));
                submitted.set(runner.submit(new OperationPlan("vm.create-pair", "pair", "alice", steps)).id());
                say("SUBMITTED " + submitted.get());
            }
            OperationJournal journal = new JdbcOperationJournal(dataSource);
            while (!journal.unfinished().isEmpty()) {
                Thread.sleep(50);
            }
            runner.close();
            say("FINISHED");
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
