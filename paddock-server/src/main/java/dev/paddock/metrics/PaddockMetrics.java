package dev.paddock.metrics;

import dev.paddock.model.HostState;
import dev.paddock.model.Room;
import dev.paddock.model.VmState;
import dev.paddock.monitoring.UsageBook;
import dev.paddock.monitoring.UsageMeters;
import java.time.Clock;
import java.time.Duration;
import dev.paddock.operation.OperationState;
import dev.paddock.operation.Operations;
import dev.paddock.store.InventoryStore;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.javalin.router.Endpoint;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics at {@code /metrics}: JVM metrics, a timer per HTTP route, the inventory and operation counts by
 * state, and the hosts', VMs' and datastores' latest usage ({@link UsageMeters}). The counts and the usage series are
 * brought in line with the store when Prometheus scrapes, so they are never stale and cost nothing between scrapes.
 */
public final class PaddockMetrics implements AutoCloseable {

    public static final String PATH = "/metrics";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final InventoryStore store;
    private final Operations operations;
    private final MultiGauge hosts;
    private final MultiGauge vms;
    private final MultiGauge operationsByState;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private Optional<UsageMeters> usage = Optional.empty();

    public PaddockMetrics(InventoryStore store, Operations operations) {
        this.store = store;
        this.operations = operations;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc.bindTo(registry);
        hosts = MultiGauge.builder("paddock.hosts").description("Hosts by state").register(registry);
        vms = MultiGauge.builder("paddock.vms").description("VMs by state").register(registry);
        operationsByState = MultiGauge.builder("paddock.operations").description("Operations by state")
                .register(registry);
    }

    /** Exports the latest samples of {@code book} at each scrape. */
    public void bindUsage(UsageBook book, Duration interval) {
        usage = Optional.of(new UsageMeters(book, interval, Clock.systemUTC(), registry));
    }

    /** Times every request by route template; {@link #scrape} serves {@link #PATH} where the API installs it. */
    public void install(JavalinConfig config) {
        config.requestLogger.http(this::record);
    }

    private void record(Context ctx, Float millis) {
        Timer.builder("paddock.http.requests")
                .description("HTTP requests by method, route template and status")
                .tags("method", ctx.method().name(), "route", route(ctx), "status", String.valueOf(ctx.statusCode()))
                .register(registry)
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    /** The matched route's template, so that ids do not explode the label set. */
    private static String route(Context ctx) {
        try {
            Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
            return endpoint == null ? "unmatched" : endpoint.path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    public void scrape(Context ctx) {
        refresh();
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }

    void refresh() {
        Room room = store.room();
        Map<HostState, Long> hostCounts = new EnumMap<>(HostState.class);
        for (HostState state : HostState.values()) {
            hostCounts.put(state, 0L);
        }
        room.hosts().forEach(host -> hostCounts.merge(host.state(), 1L, Long::sum));
        Map<VmState, Long> vmCounts = new EnumMap<>(VmState.class);
        for (VmState state : VmState.values()) {
            vmCounts.put(state, 0L);
        }
        room.vms().forEach(vm -> vmCounts.merge(vm.state(), 1L, Long::sum));
        hosts.register(rows(hostCounts), true);
        vms.register(rows(vmCounts), true);
        operationsByState.register(rows(operations.countByState()), true);
        usage.ifPresent(meters -> meters.refresh(room));
    }

    private static <E extends Enum<E>> List<MultiGauge.Row<?>> rows(Map<E, Long> counts) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        counts.forEach((state, count) -> rows.add(MultiGauge.Row.of(Tags.of("state", state.name()), count)));
        return rows;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
