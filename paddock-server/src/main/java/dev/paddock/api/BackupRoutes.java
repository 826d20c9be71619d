package dev.paddock.api;

import dev.paddock.backup.Backups;
import dev.paddock.backup.DiskMap;
import dev.paddock.backup.PointReceiver;
import dev.paddock.backup.PruneListener;
import dev.paddock.backup.PruneReport;
import dev.paddock.backup.RepositoryException;
import dev.paddock.backup.RepositoryKey;
import dev.paddock.backup.RepositoryRecord;
import dev.paddock.backup.RestorePoint;
import dev.paddock.backup.Retention;
import dev.paddock.backup.RetentionPolicy;
import dev.paddock.backup.VerifyReport;
import dev.paddock.backup.files.FileBrowser;
import dev.paddock.backup.files.FileEntry;
import dev.paddock.model.Vm;
import dev.paddock.scheduling.PlacementLedger;
import dev.paddock.operation.OperationView;
import dev.paddock.operation.Operations;
import dev.paddock.security.Permission;
import dev.paddock.store.InventoryStore;
import io.javalin.http.Context;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Backup repositories, their restore points, and backing a VM up: a backup is an operation (202 with its
 * Location); verify and prune answer their report when done.
 */
final class BackupRoutes {

    static final String PATH = RestApi.BASE + "/backup-repositories";

    private final Optional<Backups> backups;
    private final InventoryStore store;
    private final Operations operations;
    private final AuditTrail audit;
    private final PlacementLedger ledger;
    private final Clock clock;

    BackupRoutes(Optional<Backups> backups, InventoryStore store, Operations operations, PlacementLedger ledger,
            AuditTrail audit, Clock clock) {
        this.backups = backups;
        this.clock = clock;
        this.ledger = ledger;
        this.store = store;
        this.operations = operations;
        this.audit = audit;
    }

    void register(SecuredRoutes routes) {
        routes.get(PATH, Permission.BACKUP_READ, ctx -> ctx.json(Map.of("items",
                backups().repositories().stream().map(BackupRoutes::view).toList())));
        routes.post(PATH, Permission.BACKUP_MANAGE, this::register);
        routes.get(PATH + "/{id}", Permission.BACKUP_READ, ctx -> ctx.json(view(backups().record(id(ctx)))));
        routes.delete(PATH + "/{id}", Permission.BACKUP_MANAGE, this::forgetRepository);
        routes.get(PATH + "/{id}/points", Permission.BACKUP_READ, this::points);
        routes.get(PATH + "/{id}/points/{point}", Permission.BACKUP_READ, ctx -> ctx.json(view(
                backups().point(id(ctx), ctx.pathParam("point")))));
        routes.delete(PATH + "/{id}/points/{point}", Permission.BACKUP_MANAGE, this::forgetPoint);
        routes.expensive().post(PATH + "/{id}/verify", Permission.BACKUP_RUN, this::verify);
        routes.expensive().post(PATH + "/{id}/prune", Permission.BACKUP_MANAGE, this::prune);
        routes.post(RestApi.BASE + "/vms/{id}/backup", Permission.BACKUP_RUN, this::backup);
        routes.post(PATH + "/{id}/points/{point}/restore", Permission.BACKUP_RESTORE, this::restore);
        String disk = PATH + "/{id}/points/{point}/disks/{disk}";
        routes.get(disk + "/partitions", Permission.BACKUP_RESTORE, this::partitions);
        routes.get(disk + "/files", Permission.BACKUP_RESTORE, this::files);
        routes.get(disk + "/content", Permission.BACKUP_RESTORE, this::content);
        // receiving points replicated from another site's repository
        routes.post(PATH + "/{id}/chunks/missing", Permission.BACKUP_RUN, this::missingChunks);
        routes.upTo(PointReceiver.MAX_STORED).put(PATH + "/{id}/chunks/{name}", Permission.BACKUP_RUN,
                this::receiveChunk);
        routes.upTo(MAX_MANIFEST_BYTES).put(PATH + "/{id}/points/{point}", Permission.BACKUP_RUN,
                this::receivePoint);
    }

    /** A manifest's largest size: about 100 bytes an extent, the full map of some 10 TiB of 4 MiB chunks. */
    static final int MAX_MANIFEST_BYTES = 256 << 20;

    /** What a sender asks before it uploads a point's chunks: which of these the repository lacks. */
    record MissingRequest(String point, List<String> chunks) {}

    private void missingChunks(Context ctx) {
        MissingRequest request = RequestBody.read(ctx, MissingRequest.class);
        String point = Requests.required(request.point(), "point");
        List<String> chunks = request.chunks() == null ? List.of() : request.chunks();
        List<String> missing;
        try {
            missing = backups().receiver(id(ctx)).missing(point, chunks, clock.instant());
        } catch (IllegalArgumentException e) {
            throw new PaddockException.InvalidValue(capital(e.getMessage()) + ".");
        }
        ctx.json(Map.of("point", point, "asked", chunks.size(), "missing", missing));
    }

    /** One chunk's bytes as the sender stores them; answers whether it was stored or was there already. */
    private void receiveChunk(Context ctx) {
        String point = Optional.ofNullable(ctx.queryParam("point")).filter(p -> !p.isBlank()).orElseThrow(() ->
                new PaddockException.InvalidValue("Query parameter 'point' names the restore point the chunk is"
                        + " sent for."));
        String chunk = ctx.pathParam("name");
        byte[] stored;
        try {
            stored = ctx.req().getInputStream().readNBytes(PointReceiver.MAX_STORED + 1);
        } catch (java.io.IOException e) {
            throw new PaddockException.BadRequest("The chunk's bytes did not arrive whole: " + e.getMessage() + ".");
        }
        if (stored.length > PointReceiver.MAX_STORED) {
            throw new PaddockException.ContentTooLarge("A chunk is at most " + PointReceiver.MAX_STORED
                    + " bytes as stored.");
        }
        boolean written;
        try {
            written = backups().receiver(id(ctx)).receive(point, chunk, stored, clock.instant());
        } catch (IllegalArgumentException e) {
            throw new PaddockException.InvalidValue(capital(e.getMessage()) + ".");
        } catch (RepositoryException.CorruptChunk e) {
            throw new PaddockException.InvalidValue(capital(e.getMessage()) + ".");
        }
        ctx.status(written ? 201 : 200).json(Map.of("chunk", chunk, "stored", written, "bytes", stored.length));
    }

    /** Commits a received point: its manifest, refused while any chunk it names is absent. */
    private void receivePoint(Context ctx) {
        RepositoryRecord record = backups().record(id(ctx));
        String point = ctx.pathParam("point");
        byte[] manifest;
        try {
            manifest = ctx.req().getInputStream().readNBytes(MAX_MANIFEST_BYTES);
        } catch (java.io.IOException e) {
            throw new PaddockException.BadRequest("The manifest did not arrive whole: " + e.getMessage() + ".");
        }
        RestorePoint received;
        try {
            received = backups().receiver(record.id()).commit(point, manifest, clock.instant());
        } catch (IllegalArgumentException e) {
            throw new PaddockException.InvalidValue(capital(e.getMessage()) + ".");
        } catch (RepositoryException.MissingChunk e) {
            throw new PaddockException.Conflict(capital(e.getMessage()) + "; send it, then commit again.");
        }
        audit.record(ctx, new AuditNote("backup-point.receive", received.id(), "receive restore point "
                + received.id() + " of VM " + received.vm() + " into repository " + record.name()));
        ctx.status(201).json(view(received));
    }

    private static String capital(String sentence) {
        return sentence.isEmpty() ? sentence : Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1);
    }

    private Backups backups() {
        return backups.orElseThrow(() -> new PaddockException.Conflict("This server keeps no backup repositories."));
    }

    private static String id(Context ctx) {
        return InventoryRoutes.id(ctx);
    }

    /** What a client sends to add a repository: an existing one is opened, a new one made. */
    record NewRepository(String name, String path, Boolean encrypt, String key) {}

    private void register(Context ctx) {
        NewRepository request = RequestBody.read(ctx, NewRepository.class);
        String name = Requests.name(request.name(), "name");
        String pathText = Requests.required(request.path(), "path");
        Path path;
        try {
            path = Path.of(pathText);
        } catch (InvalidPathException e) {
            throw new PaddockException.InvalidValue("Field 'path' is no path: " + e.getMessage() + ".");
        }
        boolean encrypt = Boolean.TRUE.equals(request.encrypt());
        if (encrypt && request.key() != null) {
            throw new PaddockException.InvalidValue("Give either 'encrypt' (a new key is made and shown once) or"
                    + " 'key' (the key of an encrypted repository), not both.");
        }
        Optional<RepositoryKey> key;
        try {
            key = request.key() != null ? Optional.of(RepositoryKey.ofBase64(request.key().strip()))
                    : encrypt ? Optional.of(RepositoryKey.generate()) : Optional.empty();
        } catch (IllegalArgumentException e) {
            throw new PaddockException.InvalidValue("Field 'key' " + e.getMessage() + ".");
        }
        Backups.Registered registered = backups().register(name, path, key);
        if (encrypt && !registered.created()) {
            backups().forgetRepository(registered.record().id());
            throw new PaddockException.Conflict("There is a repository at " + path + " already; it opens with its"
                    + " own key ('key'), not a new one.");
        }
        audit.record(ctx, new AuditNote("backup-repository.create", registered.record().id(), (registered.created()
                ? "make" : "add existing") + " backup repository " + name + " at " + path
                + (registered.record().encrypted() ? " (encrypted)" : "")));
        Map<String, Object> body = view(registered.record());
        body.put("created", registered.created());
        if (encrypt) {
            body.put("key", key.orElseThrow().base64());
            body.put("keyNote", "Keep this key away from the server: it is shown once, and without it the"
                    + " repository cannot be read after the server is lost.");
        }
        InventoryRoutes.created(ctx, "backup-repositories", registered.record().id(), body);
    }

    private void forgetRepository(Context ctx) {
        RepositoryRecord record = backups().record(id(ctx));
        backups().forgetRepository(record.id());
        audit.record(ctx, new AuditNote("backup-repository.delete", record.id(), "forget backup repository "
                + record.name() + " (its directory " + record.path() + " is left as it is)"));
        ctx.status(204);
    }

    private void points(Context ctx) {
        Optional<String> vm = Optional.ofNullable(ctx.queryParam("vm")).filter(v -> !v.isBlank())
                .map(v -> store.vm(v).map(Vm::id).or(() -> byName(v).map(Vm::id)).orElse(v));
        ctx.json(Map.of("items", backups().points(id(ctx), vm).stream().map(BackupRoutes::view).toList()));
    }

    private void forgetPoint(Context ctx) {
        RepositoryRecord record = backups().record(id(ctx));
        RestorePoint point = backups().point(record.id(), ctx.pathParam("point"));
        backups().repository(record.id()).forget(point.id());
        audit.record(ctx, new AuditNote("backup-point.delete", point.id(), "forget restore point " + point.id()
                + " of VM " + point.vm() + " in repository " + record.name()));
        ctx.status(204);
    }

    private void verify(Context ctx) {
        RepositoryRecord record = backups().record(id(ctx));
        VerifyReport report = backups().repository(record.id()).verify();
        audit.record(ctx, new AuditNote("backup-repository.verify", record.id(), "verify backup repository "
                + record.name() + ": " + report.chunksRead() + " chunks read, " + report.problems().size()
                + " problems"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("repository", record.name());
        body.put("clean", report.clean());
        body.put("points", report.points());
        body.put("chunksRead", report.chunksRead());
        body.put("bytesRead", report.bytesRead());
        body.put("problems", report.problems());
        ctx.json(body);
    }

    /** Retention to apply before the prune: counts per VM; none given prunes only what is unreferenced. */
    record PruneRequest(Integer keepLast, Integer keepDaily, Integer keepWeekly) {}

    private void prune(Context ctx) {
        RepositoryRecord record = backups().record(id(ctx));
        PruneRequest request = ctx.body().isBlank() ? new PruneRequest(null, null, null)
                : RequestBody.read(ctx, PruneRequest.class);
        List<String> forgotten = new java.util.ArrayList<>();
        if (request.keepLast() != null || request.keepDaily() != null || request.keepWeekly() != null) {
            RetentionPolicy policy;
            try {
                policy = new RetentionPolicy(count(request.keepLast(), "keepLast"),
                        count(request.keepDaily(), "keepDaily"), count(request.keepWeekly(), "keepWeekly"));
            } catch (IllegalArgumentException e) {
                throw new PaddockException.InvalidValue(e.getMessage() + ".");
            }
            var repository = backups().repository(record.id());
            for (String vm : repository.points().stream().map(RestorePoint::vm).distinct().toList()) {
                Retention.Decision decision = repository.retain(vm, policy, ZoneOffset.UTC);
                forgotten.addAll(decision.forgotten());
            }
        }
        PruneReport report;
        try {
            report = backups().repository(record.id()).prune(PruneListener.NONE);
        } catch (RepositoryException.PruneRunning e) {
            throw new PaddockException.Conflict(e.getMessage());
        }
        audit.record(ctx, new AuditNote("backup-repository.prune", record.id(), "prune backup repository "
                + record.name() + ": " + forgotten.size() + " restore points forgotten, " + report.deleted()
                + " chunks deleted"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("repository", record.name());
        body.put("forgotten", forgotten);
        body.put("report", report);
        ctx.json(body);
    }

    private static int count(Integer value, String field) {
        if (value == null) {
            return 0;
        }
        if (value < 0 || value > 100_000) {
            throw new PaddockException.InvalidValue("Field '" + field + "' is a count from 0 to 100000, not "
                    + value + ".");
        }
        return value;
    }

    /** What a client sends to back a VM up. */
    record BackupRequest(String repository) {}

    private void backup(Context ctx) {
        String id = id(ctx);
        Vm vm = store.vm(id).or(() -> byName(id)).orElseThrow(() -> InventoryRoutes.missing("VM", ctx));
        BackupRequest request = RequestBody.read(ctx, BackupRequest.class);
        String repository = Requests.required(request.repository(), "repository");
        OperationView view = operations.submit(backups().backupPlan(vm.id(), repository, Guard.caller(ctx).name()));
        audit.record(ctx, new AuditNote(view.kind(), view.target(), "back up VM " + vm.name() + " into repository "
                + repository + " (operation " + view.id() + ")"));
        VmRoutes.accepted(ctx, view);
    }

    /**
     * Restores a point as a new VM, or in place over the stopped VM it was taken of ({@code inPlace}); every disk the
     * point holds, or those {@code disks} names (see {@link PointRestores}).
     */
    private void restore(Context ctx) {
        RepositoryRecord record = backups().record(id(ctx));
        RestorePoint point = backups().point(record.id(), ctx.pathParam("point"));
        PointRestores.Request request = RequestBody.read(ctx, PointRestores.Request.class);
        PointRestores.Submitted submitted = new PointRestores(backups(), store, ledger, clock).submit(record, point,
                request, Guard.caller(ctx).name());
        audit.record(ctx, new AuditNote(submitted.view().kind(), submitted.view().target(), submitted.detail()));
        VmRoutes.accepted(ctx, submitted.view());
    }

    /** The operation kind of a restore. */
    static final String RESTORE = "vm.restore";

    // ---- file-level restore: a point's disk read in place, never restored whole ------------------------------------

    /** The browser of a point's disk, with the repository and point it reads. */
    private FileBrowser browser(Context ctx) {
        RepositoryRecord record = backups().record(id(ctx));
        RestorePoint point = backups().point(record.id(), ctx.pathParam("point"));
        String disk = ctx.pathParam("disk");
        if (point.disk(disk).isEmpty()) {
            throw new PaddockException.NotFound("Restore point " + point.id() + " has no disk " + disk + " (it has "
                    + point.disks().stream().map(DiskMap::name).toList() + ").");
        }
        return FileBrowser.open(backups().repository(record.id()).reader(point.id(), disk));
    }

    private void partitions(Context ctx) {
        ctx.json(Map.of("items", browser(ctx).partitions()));
    }

    /** The partition asked for, or the only browsable one when there is one. */
    private static int partition(Context ctx, FileBrowser browser) {
        String asked = ctx.queryParam("partition");
        if (asked != null && !asked.isBlank()) {
            try {
                return Integer.parseInt(asked.strip());
            } catch (NumberFormatException e) {
                throw new PaddockException.InvalidValue("Query 'partition' is a partition number, not '" + asked
                        + "'.");
            }
        }
        List<dev.paddock.backup.files.Partition> browsable = browser.partitions().stream()
                .filter(dev.paddock.backup.files.Partition::browsable).toList();
        if (browsable.size() != 1) {
            throw new PaddockException.InvalidValue("Say which partition with 'partition': the disk has "
                    + browsable.size() + " with a file system Paddock reads (see .../partitions).");
        }
        return browsable.getFirst().number();
    }

    private static String path(Context ctx) {
        String path = ctx.queryParam("path");
        return path == null || path.isBlank() ? "/" : path;
    }

    private void files(Context ctx) {
        FileBrowser browser = browser(ctx);
        int partition = partition(ctx, browser);
        String path = path(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("partition", partition);
        body.put("path", path);
        body.put("items", browser.list(partition, path));
        ctx.json(body);
    }

    /**
     * One file's bytes, with its length announced first: a chunk found damaged half way cuts the transfer short,
     * which the client sees (the length is not met); a file is never sent silently wrong.
     */
    private void content(Context ctx) throws java.io.IOException {
        FileBrowser browser = browser(ctx);
        int partition = partition(ctx, browser);
        String path = path(ctx);
        FileEntry entry = browser.entry(partition, path);
        if (entry.type() != FileEntry.Type.FILE) {
            throw new PaddockException.Conflict("'" + path + "' is " + switch (entry.type()) {
                case DIRECTORY -> "a directory: list it with .../files";
                case SYMLINK -> "a symbolic link to " + entry.target().orElse("?") + ": ask for its target";
                default -> "no regular file";
            } + ".");
        }
        RepositoryRecord record = backups().record(id(ctx));
        audit.record(ctx, new AuditNote("backup-file.read", ctx.pathParam("point"), "read " + path + " (partition "
                + partition + " of disk " + ctx.pathParam("disk") + ") from restore point " + ctx.pathParam("point")
                + " of repository " + record.name()));
        ctx.contentType("application/octet-stream");
        ctx.header("Content-Length", String.valueOf(entry.size()));
        ctx.header("Content-Disposition", "attachment; filename=\"" + entry.name().replaceAll("[\"\\\\\r\n]", "_")
                + "\"");
        var out = ctx.res().getOutputStream();
        browser.extract(partition, path, out);
        out.flush();
    }

    /** A VM by name, wherever its cluster. */
    private Optional<Vm> byName(String name) {
        return store.room().vms().stream().filter(v -> v.name().equals(name)).findFirst();
    }

    static Map<String, Object> view(RepositoryRecord record) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", record.id());
        body.put("name", record.name());
        body.put("path", record.path());
        body.put("encrypted", record.encrypted());
        body.put("created", record.created());
        return body;
    }

    static Map<String, Object> view(RestorePoint point) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", point.id());
        body.put("vm", point.vm());
        body.put("vmName", point.configuration().path("name").asText(""));
        body.put("taken", point.taken());
        body.put("parent", point.parent().orElse(null));
        body.put("disks", point.disks().stream().map(BackupRoutes::view).toList());
        return body;
    }

    private static Map<String, Object> view(DiskMap disk) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", disk.name());
        body.put("size", disk.size());
        body.put("mappedBytes", disk.mappedBytes());
        return body;
    }
}
