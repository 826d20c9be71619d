package dev.paddock.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A backup repository in a directory: content-addressed chunks shared by every VM and restore point, and one
 * manifest per restore point. The layout and the rules that keep it consistent are in this package's README.
 *
 * <p>Disks are cut into fixed chunks aligned to disk offsets (4 MiB by default), not content-defined ones. Backups
 * come from libvirt as a full disk first and then as the extents a dirty bitmap marks, so an incremental point is the
 * previous map with the touched chunks replaced: with aligned chunks a changed extent maps to the chunks it covers,
 * and the rest of each such chunk is read back from the repository, not from the host; content-defined boundaries
 * would move with every edit and force reading around each extent. Linked clones of one image and VMs installed
 * from one template hold their common blocks at the same offsets, so aligned chunks deduplicate them exactly, and
 * all-zero chunks are stored as holes. Proxmox Backup Server cuts VM images the same way for the same reasons.
 *
 * <p>Instances are safe for one writer thread per {@link PointWriter}, and any number of readers, in one or several
 * processes; {@link #prune} may run beside them.
 */
public final class BackupRepository {

    /** The chunk size unless the creator chooses another: a power of two from 64 KiB to 16 MiB. */
    public static final int DEFAULT_CHUNK_SIZE = 1 << 20;

    private static final String CONFIG = "repository.json";
    /** Format 2 names and stores chunks sparse ({@link SparseChunk}); format 1, whole. */
    private static final int FORMAT = 2;
    private static final DateTimeFormatter POINT_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path root;
    private final int chunkSize;
    private final ChunkCodec codec;
    private final ChunkStore store;

    private BackupRepository(Path root, int chunkSize, ChunkCodec codec) {
        this.root = root;
        this.chunkSize = chunkSize;
        this.codec = codec;
        this.store = new ChunkStore(root);
    }

    /** Makes a new repository in {@code directory} (absent or empty), encrypted when a key is given. */
    public static BackupRepository create(Path directory, int chunkSize, Optional<RepositoryKey> key) {
        return create(directory, chunkSize, key, FORMAT);
    }

    /** As {@link #create(Path, int, Optional)} in an older format this build still reads and writes. */
    static BackupRepository create(Path directory, int chunkSize, Optional<RepositoryKey> key, int format) {
        if (Integer.bitCount(chunkSize) != 1 || chunkSize < (64 << 10) || chunkSize > (16 << 20)) {
            throw new IllegalArgumentException("a chunk size is a power of two from 64 KiB to 16 MiB, not " + chunkSize);
        }
        ChunkCodec codec = ChunkCodec.of(key, format);
        try {
            Files.createDirectories(directory);
            try (var entries = Files.list(directory)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("cannot make a repository in " + directory + ": it is not empty");
                }
            }
            for (String part : List.of("chunks", "points", "writers", "trash", "tmp")) {
                Files.createDirectory(directory.resolve(part));
            }
            ObjectNode config = Json.mapper().createObjectNode()
                    .put("format", format)
                    .put("chunkSize", chunkSize)
                    .put("encryption", codec.sealed() ? "aes-256-gcm" : "none");
            codec.keyCheck().ifPresent(check -> config.put("keyCheck", check));
            Path temporary = directory.resolve("tmp").resolve(CONFIG);
            ChunkStore.writeDurably(temporary, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
            ChunkStore.move(temporary, directory.resolve(CONFIG));
            ChunkStore.syncDirectory(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a repository in " + directory, e);
        }
        return new BackupRepository(directory, chunkSize, codec);
    }

    /** Opens the repository in {@code directory}; an encrypted one needs its key, and only its key opens it. */
    public static BackupRepository open(Path directory, Optional<RepositoryKey> key) {
        JsonNode config;
        try {
            config = Json.mapper().readTree(Files.readAllBytes(directory.resolve(CONFIG)));
        } catch (NoSuchFileException e) {
            throw new RepositoryException.NotARepository(directory + " holds no backup repository (no " + CONFIG + ")");
        } catch (IOException e) {
            throw new RepositoryException.NotARepository("the configuration of repository " + directory
                    + " does not read: " + e.getMessage());
        }
        int format = config.path("format").asInt();
        if (format != 1 && format != FORMAT) {
            throw new RepositoryException.NotARepository("repository " + directory + " has format "
                    + config.path("format") + "; this build reads formats 1 and " + FORMAT);
        }
        boolean encrypted = !config.path("encryption").asText().equals("none");
        if (encrypted && key.isEmpty()) {
            throw new RepositoryException.WrongKey("repository " + directory + " is encrypted: it opens only with its key");
        }
        if (!encrypted && key.isPresent()) {
            throw new RepositoryException.WrongKey("repository " + directory + " is not encrypted, yet a key was given");
        }
        ChunkCodec codec = ChunkCodec.of(key, format);
        if (encrypted && !codec.keyCheck().orElseThrow().equals(config.path("keyCheck").asText())) {
            throw new RepositoryException.WrongKey("the key given does not open repository " + directory
                    + ": it was made with another key");
        }
        return new BackupRepository(directory, config.path("chunkSize").asInt(), codec);
    }

    public Path directory() {
        return root;
    }

    public int chunkSize() {
        return chunkSize;
    }

    public boolean encrypted() {
        return codec.sealed();
    }

    /**
     * Starts a restore point of {@code vm} taken at {@code taken}, with the VM's configuration (a JSON document).
     * With a {@code parent}, disks may be written as the parent's map with changed ranges laid over it. Nothing is
     * visible until {@link PointWriter#commit}; closing the writer without it leaves no point.
     */
    public PointWriter begin(String vm, String configurationJson, Instant taken, Optional<String> parent) {
        return begin(POINT_TIME.format(taken) + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()),
                vm, configurationJson, taken, parent);
    }

    /**
     * As {@link #begin(String, String, Instant, Optional)}, with the point's id chosen by the caller (letters, digits,
     * '.', '_' and '-'): an operation that plans the point names it before it is written. A point of that id there
     * already is refused.
     */
    public PointWriter begin(String id, String vm, String configurationJson, Instant taken, Optional<String> parent) {
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new IllegalArgumentException("'" + id + "' is no restore point id");
        }
        if (readPoint(id).isPresent()) {
            throw new IllegalArgumentException("repository " + root + " holds restore point " + id + " already");
        }
        JsonNode configuration;
        try {
            configuration = Json.mapper().readTree(configurationJson);
        } catch (IOException e) {
            throw new IllegalArgumentException("the configuration of a restore point is a JSON document: "
                    + e.getMessage());
        }
        Optional<RestorePoint> previous = parent.map(this::point);
        return new PointWriter(this, new RestorePoint(id, vm, taken, parent, configuration, List.of()), previous);
    }

    /** Every whole restore point, oldest first. */
    public List<RestorePoint> points() {
        List<RestorePoint> points = new ArrayList<>();
        for (String name : ChunkStore.names(root.resolve("points"))) {
            if (name.endsWith(".json")) {
                readPoint(name.substring(0, name.length() - ".json".length())).ifPresent(points::add);
            }
        }
        points.sort(Comparator.comparing(RestorePoint::taken).thenComparing(RestorePoint::id));
        return points;
    }

    public RestorePoint point(String id) {
        return readPoint(id).orElseThrow(() -> new RepositoryException.NoSuchPoint(
                "repository " + root + " holds no restore point " + id));
    }

    /**
     * A disk of a restore point, read back whole: every chunk checked against its name as it is read. A chunk that
     * is missing or corrupt ends the stream with a {@link RepositoryException} naming the chunk and the point.
     */
    public InputStream openDisk(String pointId, String disk) {
        return new DiskStream(this, pointId, diskMap(pointId, disk));
    }

    /** A disk of a restore point as a qcow2 image (holes unallocated), each chunk checked as the stream reaches it. */
    public Qcow2Image openQcow2(String pointId, String disk) {
        DiskMap map = diskMap(pointId, disk);
        return Qcow2Image.of(map, extent -> readChunk(extent.chunk(), "of restore point " + pointId + " (disk "
                + map.name() + " at offset " + extent.offset() + ")"));
    }

    /**
     * A disk of a restore point, read at any offset: only the chunks a read touches are fetched, each checked
     * against its name; see {@link DiskReader}. File-level restore ({@code backup.files}) reads through it.
     */
    public DiskReader reader(String pointId, String disk) {
        RestorePoint point = point(pointId);
        DiskMap map = point.disk(disk).orElseThrow(() -> new RepositoryException.NoSuchPoint(
                "restore point " + pointId + " has no disk " + disk));
        return new DiskReader(this, pointId, map);
    }

    /** Forgets a restore point: its manifest goes; its chunks go at the next prune unless another point needs them. */
    public void forget(String pointId) {
        try {
            if (!Files.deleteIfExists(manifestPath(pointId))) {
                throw new RepositoryException.NoSuchPoint("repository " + root + " holds no restore point " + pointId);
            }
            ChunkStore.syncDirectory(root.resolve("points"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot forget restore point " + pointId, e);
        }
    }

    /** Applies a retention policy to one VM's points: forgets those it does not keep, and says why it kept the rest. */
    public Retention.Decision retain(String vm, RetentionPolicy policy, ZoneId zone) {
        List<Retention.Stamp> stamps = points().stream()
                .filter(point -> point.vm().equals(vm))
                .map(point -> new Retention.Stamp(point.id(), point.taken()))
                .toList();
        Retention.Decision decision = Retention.decide(stamps, policy, zone);
        decision.forgotten().forEach(this::forget);
        return decision;
    }

    /** Reads every chunk every point names; reports each missing or corrupt one with the points that need it. */
    public VerifyReport verify() {
        List<RestorePoint> points = points();
        Map<String, TreeSet<String>> needers = new LinkedHashMap<>();
        for (RestorePoint point : points) {
            for (DiskMap disk : point.disks()) {
                for (Extent extent : disk.extents()) {
                    needers.computeIfAbsent(extent.chunk(), chunk -> new TreeSet<>()).add(point.id());
                }
            }
        }
        List<VerifyReport.Problem> problems = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, TreeSet<String>> entry : needers.entrySet()) {
            String chunk = entry.getKey();
            Optional<byte[]> stored = store.read(chunk);
            if (stored.isEmpty()) {
                problems.add(new VerifyReport.Problem(chunk, VerifyReport.Kind.MISSING, "no chunk file",
                        List.copyOf(entry.getValue())));
                continue;
            }
            bytes += stored.get().length;
            try {
                codec.decode(chunk, stored.get());
            } catch (ChunkCodec.Unreadable e) {
                problems.add(new VerifyReport.Problem(chunk, VerifyReport.Kind.CORRUPT, e.getMessage(),
                        List.copyOf(entry.getValue())));
            }
        }
        return new VerifyReport(points.size(), needers.size(), bytes, problems);
    }

    /**
     * Deletes the chunks no restore point and no running writer needs. Safe beside writers and readers, and when
     * killed at any moment: see {@link Prune}.
     *
     * @throws RepositoryException.PruneRunning when another prune holds the repository
     */
    public PruneReport prune(PruneListener listener) {
        return new Prune(this, listener).run();
    }

    DiskMap diskMap(String pointId, String disk) {
        return point(pointId).disk(disk).orElseThrow(() -> new RepositoryException.NoSuchPoint(
                "restore point " + pointId + " has no disk " + disk));
    }

    /** A chunk's content, checked against its name; {@code where} names the point and place for the sentence. */
    byte[] readChunk(String chunk, String where) {
        byte[] stored = store.read(chunk).orElseThrow(() -> new RepositoryException.MissingChunk(chunk, where));
        try {
            return codec.decode(chunk, stored);
        } catch (ChunkCodec.Unreadable e) {
            throw new RepositoryException.CorruptChunk(chunk, where, e.getMessage());
        }
    }

    /** Where a chunk of a disk is, for the sentence of a missing or corrupt chunk. */
    static String place(String point, String disk, long offset) {
        return "of restore point " + point + " (disk " + disk + " at offset " + offset + ")";
    }

    Optional<RestorePoint> readPoint(String id) {
        if (!id.matches("[0-9A-Za-z-]+")) {
            return Optional.empty();
        }
        byte[] stored;
        try {
            stored = Files.readAllBytes(manifestPath(id));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read restore point " + id, e);
        }
        try {
            return Optional.of(Json.mapper().readValue(codec.openManifest(id, stored), RestorePoint.class));
        } catch (ChunkCodec.Unreadable | IOException e) {
            throw new RepositoryException.CorruptPoint("the manifest of restore point " + id + " in repository " + root
                    + " does not read: " + e.getMessage());
        }
    }

    /** Writes a manifest whole under a temporary name and renames it: the point exists only when complete. */
    void writePoint(RestorePoint point, String writer) {
        try {
            writeManifest(point.id(), Json.mapper().writeValueAsBytes(point), writer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write restore point " + point.id(), e);
        }
    }

    /** As {@link #writePoint}, with the manifest's JSON as given (a point received from another repository). */
    void writeManifest(String id, byte[] json, String writer) {
        Path temporary = root.resolve("tmp").resolve(writer + "." + id + ".json");
        try {
            ChunkStore.writeDurably(temporary, codec.sealManifest(id, json));
            ChunkStore.move(temporary, manifestPath(id));
            ChunkStore.syncDirectory(root.resolve("points"));
        } catch (IOException e) {
            ChunkStore.deleteQuietly(temporary);
            throw new UncheckedIOException("cannot write restore point " + id, e);
        }
    }

    /**
     * A restore point's manifest as its JSON (opened when the repository is encrypted): what replication ships, so
     * the receiving repository holds the same document.
     */
    public byte[] manifestJson(String id) {
        point(id);
        try {
            return codec.openManifest(id, Files.readAllBytes(manifestPath(id)));
        } catch (ChunkCodec.Unreadable e) {
            throw new RepositoryException.CorruptPoint("the manifest of restore point " + id + " in repository " + root
                    + " does not read: " + e.getMessage());
        } catch (NoSuchFileException e) {
            throw new RepositoryException.NoSuchPoint("repository " + root + " holds no restore point " + id);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read restore point " + id, e);
        }
    }

    /**
     * A chunk's bytes as stored (compressed, and sealed when encrypted), checked against its name first: what
     * replication ships, so a damaged chunk is never sent on.
     */
    public byte[] storedChunk(String chunk, String where) {
        byte[] stored = store.read(chunk).orElseThrow(() -> new RepositoryException.MissingChunk(chunk, where));
        try {
            codec.decode(chunk, stored);
        } catch (ChunkCodec.Unreadable e) {
            throw new RepositoryException.CorruptChunk(chunk, where, e.getMessage());
        }
        return stored;
    }

    private Path manifestPath(String id) {
        return root.resolve("points").resolve(id + ".json");
    }

    ChunkCodec codec() {
        return codec;
    }

    ChunkStore store() {
        return store;
    }
}
