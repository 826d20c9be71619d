package dev.paddock.api;

import dev.paddock.backup.Backups;
import dev.paddock.backup.RepositoryRecord;
import dev.paddock.model.Vm;
import dev.paddock.replication.Replication;
import dev.paddock.replication.ReplicationController;
import dev.paddock.replication.Round;
import dev.paddock.replication.VmReplica;
import dev.paddock.security.Permission;
import dev.paddock.store.InventoryStore;
import dev.paddock.tls.TrustedCertificates;
import io.javalin.http.Context;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replications of restore points to another site's Paddock: create, list, show (with each VM's recovery point at
 * the target), delete, and run a round now (answered with the round when it ends).
 */
final class ReplicationRoutes {

    static final String PATH = RestApi.BASE + "/replications";

    private final Optional<ReplicationController> controller;
    private final Optional<Backups> backups;
    private final InventoryStore store;
    private final AuditTrail audit;
    private final Clock clock;

    ReplicationRoutes(Optional<ReplicationController> controller, Optional<Backups> backups, InventoryStore store,
            AuditTrail audit, Clock clock) {
        this.controller = controller;
        this.backups = backups;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    void register(SecuredRoutes routes) {
        routes.get(PATH, Permission.BACKUP_READ, ctx -> ctx.json(Map.of("items", controller().replications().list()
                .stream().map(this::view).toList())));
        routes.post(PATH, Permission.BACKUP_MANAGE, this::create);
        routes.get(PATH + "/{id}", Permission.BACKUP_READ, ctx -> ctx.json(view(replication(ctx))));
        routes.delete(PATH + "/{id}", Permission.BACKUP_MANAGE, this::delete);
        routes.expensive().post(PATH + "/{id}/run", Permission.BACKUP_RUN, this::run);
    }

    private ReplicationController controller() {
        return controller.orElseThrow(() -> new PaddockException.Conflict("This server runs no replications."));
    }

    private Replication replication(Context ctx) {
        String id = InventoryRoutes.id(ctx);
        return controller().replications().get(id).or(() -> controller().replications().byName(id))
                .orElseThrow(() -> new PaddockException.NotFound("No replication " + id + "."));
    }

    /** What a client sends to create a replication. */
    record NewReplication(String name, String source, String url, String token, String repository,
            String caCertificate, Long bandwidth, List<String> vms, Long intervalSeconds, Long rpoSeconds,
            Integer streams) {}

    private void create(Context ctx) {
        NewReplication request = RequestBody.read(ctx, NewReplication.class);
        String name = Requests.name(request.name(), "name");
        Backups kept = backups.orElseThrow(() -> new PaddockException.Conflict(
                "This server keeps no backup repositories."));
        RepositoryRecord source = kept.record(Requests.required(request.source(), "source"));
        URI url = url(Requests.required(request.url(), "url"));
        String token = Requests.required(request.token(), "token").strip();
        if (token.isEmpty()) {
            throw new PaddockException.InvalidValue("Field 'token' is the API token of the other Paddock.");
        }
        String repository = Requests.required(request.repository(), "repository");
        Optional<String> ca = Optional.ofNullable(request.caCertificate()).filter(pem -> !pem.isBlank());
        ca.ifPresent(pem -> {
            try {
                TrustedCertificates.ofPem(pem);
            } catch (IllegalArgumentException e) {
                throw new PaddockException.InvalidValue("Field 'caCertificate': " + e.getMessage() + ".");
            }
        });
        List<String> vms = Optional.ofNullable(request.vms()).orElse(List.of()).stream()
                .map(vm -> store.vm(vm).or(() -> store.room().vms().stream().filter(v -> v.name().equals(vm))
                        .findFirst()).map(Vm::id).orElse(vm))
                .distinct().toList();
        long interval = Optional.ofNullable(request.intervalSeconds()).orElse(3600L);
        long rpo = Optional.ofNullable(request.rpoSeconds()).orElse(interval * 2);
        Replication replication;
        try {
            replication = new Replication(InventoryRoutes.newId(), name, source.id(), url, repository, ca,
                    Optional.ofNullable(request.bandwidth()).orElse(0L), vms, Duration.ofSeconds(interval),
                    Duration.ofSeconds(rpo), Optional.ofNullable(request.streams()).orElse(3), clock.instant());
        } catch (IllegalArgumentException e) {
            throw new PaddockException.InvalidValue(Character.toUpperCase(e.getMessage().charAt(0))
                    + e.getMessage().substring(1) + ".");
        }
        try {
            controller().replications().put(replication, token);
        } catch (IllegalArgumentException e) {
            throw new PaddockException.Conflict("A replication named '" + name + "' exists.");
        }
        audit.record(ctx, new AuditNote("replication.create", replication.id(), "replicate repository "
                + source.name() + " to repository " + repository + " at " + url + " as " + name));
        InventoryRoutes.created(ctx, "replications", replication.id(), view(replication));
    }

    private static URI url(String text) {
        try {
            URI url = new URI(text.strip());
            if (!("https".equals(url.getScheme()) || "http".equals(url.getScheme())) || url.getHost() == null
                    || url.getRawQuery() != null || url.getRawFragment() != null) {
                throw new PaddockException.InvalidValue("Field 'url' is the other Paddock's base URL"
                        + " (https://host:port), not '" + text + "'.");
            }
            return url;
        } catch (URISyntaxException e) {
            throw new PaddockException.InvalidValue("Field 'url' is no URL: " + e.getMessage() + ".");
        }
    }

    private void delete(Context ctx) {
        Replication replication = replication(ctx);
        controller().delete(replication);
        audit.record(ctx, new AuditNote("replication.delete", replication.id(), "delete replication "
                + replication.name() + " (the points at " + replication.target() + " stay)"));
        ctx.status(204);
    }

    private void run(Context ctx) {
        Replication replication = replication(ctx);
        Round round = controller().runNow(replication);
        audit.record(ctx, new AuditNote("replication.run", replication.id(), "run replication "
                + replication.name() + ": " + round.summary()));
        ctx.json(view(round));
    }

    private Map<String, Object> view(Replication replication) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", replication.id());
        body.put("name", replication.name());
        body.put("source", backups.flatMap(b -> b.repositories().stream()
                .filter(r -> r.id().equals(replication.source())).findFirst()).map(RepositoryRecord::name)
                .orElse(replication.source()));
        body.put("url", replication.target().toString());
        body.put("repository", replication.targetRepository());
        body.put("token", "(set)");
        body.put("caCertificate", replication.caCertificate().isPresent() ? "(set)" : null);
        body.put("bandwidth", replication.bandwidth());
        body.put("vms", replication.vms());
        body.put("intervalSeconds", replication.interval().toSeconds());
        body.put("rpoSeconds", replication.rpoTarget().toSeconds());
        body.put("streams", replication.streams());
        body.put("created", replication.created());
        body.put("lastRound", controller().replications().lastRound(replication.id()).map(ReplicationRoutes::view)
                .orElse(null));
        Instant now = clock.instant();
        body.put("vmStatus", controller().replications().vms(replication.id()).stream()
                .map(replica -> view(replica, replication, now)).toList());
        return body;
    }

    private static Map<String, Object> view(VmReplica replica, Replication replication, Instant now) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("vm", replica.vm());
        body.put("point", replica.point());
        body.put("taken", replica.taken());
        body.put("rpoSeconds", replica.rpo(now).toSeconds());
        body.put("withinTarget", replica.rpo(now).compareTo(replication.rpoTarget()) <= 0);
        body.put("bytesSent", replica.bytesSent());
        body.put("tookMillis", replica.took().toMillis());
        body.put("replicated", replica.replicated());
        return body;
    }

    private static Map<String, Object> view(Round round) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("started", round.started());
        body.put("tookMillis", round.took().toMillis());
        body.put("ok", round.ok());
        body.put("committed", round.committed());
        body.put("chunksSent", round.chunksSent());
        body.put("bytesSent", round.bytesSent());
        body.put("failure", round.failure().orElse(null));
        body.put("summary", round.summary());
        return body;
    }
}
