package dev.paddock.server;

import dev.paddock.api.FirstFitHostChooser;
import dev.paddock.api.HostChooser;
import dev.paddock.api.RestApi;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.metrics.PaddockMetrics;
import dev.paddock.operation.Operations;
import dev.paddock.store.InventoryStore;
import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.model.Host;
import dev.paddock.operation.OperationRunner;
import dev.paddock.sim.RealTimeClock;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.store.Database;
import dev.paddock.store.JdbcInventoryStore;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Paddock: the HTTP server over the store, the operations runner and the hypervisor it was
 * given. Closing it stops HTTP first, then closes the parts in the reverse order of their making.
 */
public final class PaddockServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PaddockServer.class);
    private static final String ROOM_FILE = "sim-room.json";
    private static final long ROOM_SEED = 2026;

    /**
     * What a server runs on.
     *
     * @param closeables what to close when the server stops, in the order they were made
     */
    public record Parts(InventoryStore store, Operations operations, Hypervisor hypervisor,
            List<AutoCloseable> closeables) {
        public Parts {
            closeables = List.copyOf(closeables);
        }
    }

    private final Javalin javalin;
    private final PaddockMetrics metrics;
    private final Parts parts;
    private final String host;

    private PaddockServer(Javalin javalin, PaddockMetrics metrics, Parts parts, String host) {
        this.javalin = javalin;
        this.metrics = metrics;
        this.parts = parts;
        this.host = host;
    }

    /**
     * Builds and starts a whole server from its configuration: store, simulated room, operations runner
     * (which resumes what the journal left unfinished), then HTTP. If any part fails, those already made
     * are closed again.
     */
    public static PaddockServer start(ServerConfig config) {
        List<AutoCloseable> made = new ArrayList<>();
        try {
            Files.createDirectories(config.dataDirectory());
            HikariDataSource dataSource = Database.open(config.jdbcUrl());
            made.add(dataSource);
            InventoryStore store = new JdbcInventoryStore(dataSource);
            RealTimeClock clock = new RealTimeClock();
            made.add(clock);
            SimulatedHypervisor sim = SimulatedHypervisor.open(config.dataDirectory().resolve(ROOM_FILE), clock,
                    ROOM_SEED);
            made.add(sim);
            if (config.room() == ServerConfig.Room.DEMO) {
                DemoRoom.buildHosts(sim);
            }
            reattach(store, sim);
            made.add(new DomainStateFollower(store, sim));
            OperationRunner runner = new OperationRunner(dataSource, store, sim);
            made.add(runner);
            runner.start();
            if (config.room() == ServerConfig.Room.DEMO) {
                DemoRoom.seed(store, sim, runner);
            }
            return start(new Parts(store, runner, sim, made), config.host(), config.port());
        } catch (IOException | RuntimeException e) {
            closeAll(made);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** Connects again to every host the store knows; a host that does not answer stays in the store. */
    private static void reattach(InventoryStore store, Hypervisor hypervisor) {
        for (Host host : store.hosts()) {
            try {
                hypervisor.attach(host.id(), host.uri());
            } catch (HypervisorException e) {
                LOG.warn("host {} ({}) did not answer at {}: {}", host.name(), host.id(), host.uri(), e.getMessage());
            }
        }
    }

    /** Starts HTTP on {@code host}:{@code port}; port 0 picks a free one (see {@link #port()}). */
    public static PaddockServer start(Parts parts, String host, int port) {
        return start(parts, new FirstFitHostChooser(), host, port);
    }

    public static PaddockServer start(Parts parts, HostChooser chooser, String host, int port) {
        RestApi api = new RestApi(parts.store(), parts.operations(), parts.hypervisor(), chooser);
        PaddockMetrics metrics = new PaddockMetrics(parts.store(), parts.operations());
        Javalin javalin = Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            metrics.install(config);
            api.install(config);
        });
        try {
            javalin.start();
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
        PaddockServer server = new PaddockServer(javalin, metrics, parts, host);
        LOG.info("Paddock listening on {}", server.url());
        return server;
    }

    public int port() {
        return javalin.port();
    }

    /** The base URL clients use, for example {@code http://127.0.0.1:8080}. */
    public URI url() {
        String shown = host.equals("0.0.0.0") ? "localhost" : host;
        return URI.create("http://" + shown + ":" + port());
    }

    /** Every HTTP route the server answers, as "METHOD /path/{param}". */
    public List<String> routes() {
        return javalin.unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint.method.name() + " " + parsed.endpoint.path)
                .toList();
    }

    public Parts parts() {
        return parts;
    }

    @Override
    public void close() {
        javalin.stop();
        metrics.close();
        closeAll(parts.closeables());
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        List<AutoCloseable> reversed = new ArrayList<>(closeables);
        Collections.reverse(reversed);
        for (AutoCloseable closeable : reversed) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", closeable, e.toString());
            }
        }
    }
}
