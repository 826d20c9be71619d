package dev.paddock.api;

import dev.paddock.model.Cluster;
import dev.paddock.model.Datastore;
import dev.paddock.model.Host;
import dev.paddock.model.Site;
import dev.paddock.model.Vm;
import dev.paddock.monitoring.Metric;
import dev.paddock.monitoring.Monitoring;
import dev.paddock.monitoring.Scope;
import dev.paddock.monitoring.Series;
import dev.paddock.monitoring.ThresholdRule;
import dev.paddock.monitoring.Usage;
import dev.paddock.security.Permission;
import dev.paddock.store.DuplicateNameException;
import dev.paddock.store.InventoryStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Usage (a host's or a VM's latest sample and its series over a span, at a step) and thresholds (made, listed,
 * removed). A threshold is checked whole before anything is stored: its metric, its scope's object, its value and
 * duration.
 */
final class MonitoringRoutes {

    static final String THRESHOLDS = RestApi.BASE + "/thresholds";
    private static final Pattern SPAN = Pattern.compile("([0-9]{1,9})(s|m|h|d)?");

    private final Optional<Monitoring> monitoring;
    private final InventoryStore store;
    private final AuditTrail audit;
    private final Clock clock;

    MonitoringRoutes(Optional<Monitoring> monitoring, InventoryStore store, AuditTrail audit, Clock clock) {
        this.monitoring = monitoring;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    void register(SecuredRoutes routes) {
        routes.get(RestApi.BASE + "/hosts/{id}/usage", Permission.HOST_READ, ctx -> {
            Host host = store.host(InventoryRoutes.id(ctx)).orElseThrow(() -> InventoryRoutes.missing("host", ctx));
            ctx.json(usage(ctx, "host", host.id(), host.name()));
        });
        routes.list(RestApi.BASE + "/usage/hosts", Permission.HOST_READ, this::hostsUsage);
        routes.get(RestApi.BASE + "/vms/{id}/usage", Permission.VM_READ, ctx -> {
            Vm vm = store.vm(InventoryRoutes.id(ctx)).orElseThrow(() -> InventoryRoutes.missing("VM", ctx));
            ctx.json(usage(ctx, "vm", vm.id(), vm.name()));
        });
        routes.get(THRESHOLDS, Permission.ALARM_READ, ctx -> ctx.json(Map.of("items",
                monitoring().thresholds().list().stream().map(this::view).toList())));
        routes.post(THRESHOLDS, Permission.THRESHOLD_MANAGE, this::create);
        routes.get(THRESHOLDS + "/{id}", Permission.ALARM_READ, ctx -> ctx.json(view(threshold(ctx))));
        routes.delete(THRESHOLDS + "/{id}", Permission.THRESHOLD_MANAGE, this::delete);
    }

    private Monitoring monitoring() {
        return monitoring.orElseThrow(() -> new PaddockException.Conflict("This server does no monitoring."));
    }

    // ---- usage ----------------------------------------------------------------------------------------------

    /** A subject's usage: its latest sample, and its series from {@code from} (default an hour ago) at {@code step}. */
    private Map<String, Object> usage(Context ctx, String kind, String id, String name) {
        Monitoring watching = monitoring();
        Instant now = watching.now();
        Instant from = instant(ctx, "from", now.minus(Duration.ofHours(1)), now);
        Instant to = instant(ctx, "to", now, now);
        if (to.isBefore(from)) {
            throw new PaddockException.BadRequest("Query parameter 'to' (" + to + ") is before 'from' (" + from + ").");
        }
        Duration step = Optional.ofNullable(ctx.queryParam("step")).map(raw -> span(raw, "Query parameter 'step'"))
                .orElse(Duration.ZERO);
        List<Map<String, Object>> points = watching.usage().points(id, from, to, step, now).stream()
                .map(MonitoringRoutes::point).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("name", name);
        body.put("kind", kind);
        body.put("intervalSeconds", watching.interval().toMillis() / 1000.0);
        body.put("latest", watching.usage().latest(id).map(MonitoringRoutes::latest).orElse(null));
        body.put("from", from);
        body.put("to", to);
        body.put("points", points);
        return body;
    }

    /**
     * The latest sample of every host the caller may read, in one answer: a dashboard of a room's hosts asks once,
     * not once per host.
     */
    private void hostsUsage(Context ctx) {
        Monitoring watching = monitoring();
        List<Map<String, Object>> items = Visible.to(ctx).only(store.hosts(), Visible.to(ctx)::host).stream()
                .map(host -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("id", host.id());
                    item.put("name", host.name());
                    item.put("latest", watching.usage().latest(host.id()).map(MonitoringRoutes::latest).orElse(null));
                    return item;
                }).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("intervalSeconds", watching.interval().toMillis() / 1000.0);
        body.put("items", items);
        ctx.json(body);
    }

    private static Map<String, Object> latest(Usage usage) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("at", usage.at());
        view.put("cpu", usage.cpu());
        view.put("memoryUsedBytes", usage.memoryUsedBytes());
        view.put("memoryBytes", usage.memoryBytes());
        view.put("diskReadRate", usage.diskReadRate());
        view.put("diskWriteRate", usage.diskWriteRate());
        view.put("networkReceiveRate", usage.networkReceiveRate());
        view.put("networkTransmitRate", usage.networkTransmitRate());
        return view;
    }

    private static Map<String, Object> point(Series.Point point) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("at", point.at());
        for (int i = 0; i < Usage.SERIES_FIELDS.size(); i++) {
            view.put(Usage.SERIES_FIELDS.get(i), point.values()[i]);
        }
        return view;
    }

    /** An instant, or a span before now ("1h", "90m", "3600"). */
    private static Instant instant(Context ctx, String name, Instant absent, Instant now) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return absent;
        }
        if (SPAN.matcher(raw).matches()) {
            return now.minus(span(raw, "Query parameter '" + name + "'"));
        }
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw new PaddockException.BadRequest("Query parameter '" + name + "' must be an instant such as"
                    + " 2030-01-01T00:00:00Z or a span before now such as 1h; got '" + raw + "'.");
        }
    }

    /** "90" or "90s", "5m", "2h", "1d". */
    static Duration span(String raw, String what) {
        Matcher matcher = SPAN.matcher(raw.trim());
        if (!matcher.matches()) {
            throw new PaddockException.BadRequest(what + " must be a whole number of seconds or a span such as 30s,"
                    + " 5m, 2h or 1d; got '" + raw + "'.");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2) == null ? "s" : matcher.group(2)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    // ---- thresholds -----------------------------------------------------------------------------------------

    /**
     * What a client sends to make a threshold: {@code comparison} "above" or "below" {@code value} for
     * {@code durationSeconds} (0: at the first sample); {@code scope} "all" (the default), "site", "cluster", "host",
     * "vm" or "datastore" with {@code scopeId} that object's id or name.
     */
    record NewThreshold(String name, String metric, String comparison, Double value, Long durationSeconds,
            String scope, String scopeId) {}

    private void create(Context ctx) {
        Monitoring watching = monitoring();
        NewThreshold request = RequestBody.read(ctx, NewThreshold.class);
        String name = Requests.name(request.name(), "name");
        String metricKey = Requests.required(request.metric(), "metric");
        Metric metric = Metric.ofKey(metricKey).orElseThrow(() -> new PaddockException.InvalidValue("Field 'metric'"
                + " must be one of " + Arrays.stream(Metric.values()).map(Metric::key).collect(Collectors.joining(", "))
                + "; got '" + metricKey + "'."));
        ThresholdRule.Comparison comparison = comparison(Requests.required(request.comparison(), "comparison"));
        double value = Requests.required(request.value(), "value");
        if (!Double.isFinite(value) || value < 0) {
            throw new PaddockException.InvalidValue("Field 'value' must be a number of at least 0; got " + value + ".");
        }
        long seconds = request.durationSeconds() == null ? 0 : request.durationSeconds();
        Requests.between(seconds, 0, Duration.ofDays(7).toSeconds(), "durationSeconds", " s");
        Scope scope = scope(request.scope(), request.scopeId(), metric);
        if (watching.thresholds().byName(name).isPresent()) {
            throw duplicate(name);
        }
        ThresholdRule rule = new ThresholdRule(InventoryRoutes.newId(), name, metric, scope, comparison, value,
                Duration.ofSeconds(seconds), Guard.caller(ctx).name(), clock.instant());
        try {
            watching.add(rule);
        } catch (DuplicateNameException e) {
            throw duplicate(name);
        }
        audit.record(ctx, new AuditNote("threshold.create", rule.id(), "make threshold " + name + ": "
                + rule.condition() + " on " + scope));
        InventoryRoutes.created(ctx, "thresholds", rule.id(), view(rule));
    }

    private static PaddockException duplicate(String name) {
        return new PaddockException.Conflict("A threshold named '" + name + "' already exists.");
    }

    private static ThresholdRule.Comparison comparison(String raw) {
        return Arrays.stream(ThresholdRule.Comparison.values()).filter(c -> c.key().equals(raw)).findFirst()
                .orElseThrow(() -> new PaddockException.InvalidValue("Field 'comparison' must be 'above' or 'below';"
                        + " got '" + raw + "'."));
    }

    /** The scope named, its object looked up by id or name and held to the metric's kind. */
    private Scope scope(String rawKind, String rawId, Metric metric) {
        String kindName = rawKind == null ? "all" : rawKind;
        Scope.Kind kind = Arrays.stream(Scope.Kind.values()).filter(k -> k.key().equals(kindName)).findFirst()
                .orElseThrow(() -> new PaddockException.InvalidValue("Field 'scope' must be one of all, site,"
                        + " cluster, host, vm or datastore; got '" + kindName + "'."));
        if (kind == Scope.Kind.ALL) {
            if (rawId != null && !rawId.isEmpty()) {
                throw new PaddockException.InvalidValue("Field 'scopeId' names an object only for a scope other than"
                        + " all.");
            }
            return Scope.ALL;
        }
        String named = Requests.required(rawId, "scopeId");
        String id = switch (kind) {
            case SITE -> find(store.sites(), Site::id, Site::name, named, "site");
            case CLUSTER -> find(store.clusters(), Cluster::id, Cluster::name, named, "cluster");
            case HOST -> find(store.hosts(), Host::id, Host::name, named, "host");
            case VM -> find(store.room().vms(), Vm::id, Vm::name, named, "VM");
            case DATASTORE -> find(store.room().datastores(), Datastore::id, Datastore::name, named, "datastore");
            case ALL -> throw new IllegalStateException("handled above");
        };
        Scope scope = new Scope(kind, id);
        if (!scope.fits(metric.subject())) {
            throw new PaddockException.InvalidValue("A " + kind.key() + " scope holds no "
                    + metric.subject().name().toLowerCase(Locale.ROOT) + " for metric " + metric.key() + ".");
        }
        return scope;
    }

    private static <T> String find(java.util.Collection<T> all, Function<T, String> id, Function<T, String> name,
            String named, String kind) {
        List<T> found = all.stream().filter(item -> id.apply(item).equals(named)).toList();
        if (found.isEmpty()) {
            found = all.stream().filter(item -> name.apply(item).equals(named)).toList();
        }
        if (found.isEmpty()) {
            throw new PaddockException.InvalidValue("Field 'scopeId' names no " + kind + ": '" + named + "'.");
        }
        if (found.size() > 1) {
            throw new PaddockException.InvalidValue("Field 'scopeId': " + found.size() + " " + kind + "s are named '"
                    + named + "'; give its id.");
        }
        return id.apply(found.getFirst());
    }

    private ThresholdRule threshold(Context ctx) {
        String id = InventoryRoutes.id(ctx);
        return monitoring().thresholds().get(id).or(() -> monitoring().thresholds().byName(id))
                .orElseThrow(() -> new PaddockException.NotFound("No threshold has id or name '" + id + "'."));
    }

    private void delete(Context ctx) {
        ThresholdRule rule = threshold(ctx);
        monitoring().remove(rule, clock.instant());
        audit.record(ctx, new AuditNote("threshold.delete", rule.id(), "remove threshold " + rule.name() + " ("
                + rule.condition() + " on " + rule.scope() + ")"));
        ctx.status(204);
    }

    private Map<String, Object> view(ThresholdRule rule) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", rule.id());
        view.put("name", rule.name());
        view.put("metric", rule.metric().key());
        view.put("comparison", rule.comparison().key());
        view.put("value", rule.value());
        view.put("durationSeconds", rule.duration().toSeconds());
        view.put("scope", rule.scope().kind().key());
        view.put("scopeId", rule.scope().id());
        view.put("condition", rule.condition());
        view.put("owner", rule.owner());
        view.put("created", rule.created());
        return view;
    }
}
