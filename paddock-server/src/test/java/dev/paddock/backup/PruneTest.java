package dev.paddock.backup;

import static dev.paddock.backup.Images.CHUNK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PruneTest {

    private static final Instant MONDAY = Instant.parse("2026-12-07T02:00:00Z");

    @TempDir
    Path dir;

    private BackupRepository repository() {
        return BackupRepository.create(dir.resolve("repo"), CHUNK, Optional.empty());
    }

    private static Set<String> chunksOf(RestorePoint... points) {
        Set<String> chunks = new HashSet<>();
        for (RestorePoint point : points) {
            point.disks().forEach(disk -> disk.extents().forEach(extent -> chunks.add(extent.chunk())));
        }
        return chunks;
    }

    @Test
    void prune_deletes_the_chunks_only_forgotten_points_named_and_keeps_the_shared_ones() {
        BackupRepository repository = repository();
        byte[] shared = Images.random(1, 8 * CHUNK);
        byte[] other = shared.clone();
        System.arraycopy(Images.random(2, 3 * CHUNK), 0, other, 0, 3 * CHUNK);
        RestorePoint kept = Images.write(repository, "vm-a", shared, MONDAY);
        RestorePoint forgotten = Images.write(repository, "vm-b", other, MONDAY);
        repository.forget(forgotten.id());

        PruneReport report = repository.prune(PruneListener.NONE);

        assertThat(report.deleted()).isEqualTo(3);
        assertThat(report.bytesFreed()).isPositive();
        assertThat(new HashSet<>(repository.store().all())).isEqualTo(chunksOf(kept));
        assertThat(Images.read(repository, kept.id(), "vda")).isEqualTo(shared);
        assertThat(repository.verify().clean()).isTrue();
        assertThat(repository.prune(PruneListener.NONE).deleted()).as("a second prune finds nothing").isZero();
    }

    @Test
    void a_running_writer_keeps_the_chunks_it_has_written_and_those_it_reuses() {
        BackupRepository repository = repository();
        byte[] old = Images.random(3, 4 * CHUNK);
        RestorePoint forgotten = Images.write(repository, "vm-a", old, MONDAY);
        repository.forget(forgotten.id());
        byte[] image = Images.random(4, 4 * CHUNK);
        System.arraycopy(old, 0, image, 0, 2 * CHUNK); // reuses two chunks only the forgotten point named

        try (PointWriter writer = repository.begin("vm-b", "{}", MONDAY.plusSeconds(60), Optional.empty())) {
            writer.writeDisk("vda", Images.stream(image));

            PruneReport report = repository.prune(PruneListener.NONE);

            assertThat(report.writers()).isEqualTo(1);
            assertThat(report.deleted()).isEqualTo(2);
            RestorePoint point = writer.commit();
            assertThat(Images.read(repository, point.id(), "vda")).isEqualTo(image);
        }
        assertThat(repository.verify().clean()).isTrue();
    }

    @Test
    void a_dead_writers_record_no_longer_holds_its_chunks() throws Exception {
        BackupRepository repository = repository();
        RestorePoint forgotten = Images.write(repository, "vm-a", Images.random(5, 2 * CHUNK), MONDAY);
        repository.forget(forgotten.id());
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String header = String.join(" ", InetAddress.getLocalHost().getHostName(),
                Long.toString(gone.pid()), gone.info().startInstant().map(Instant::toString).orElse("-"), "p");
        Files.writeString(dir.resolve("repo/writers/dead"),
                header + "\n" + String.join("\n", chunksOf(forgotten)) + "\n");

        Files.writeString(dir.resolve("repo/tmp/dead.0f1e.chunk"), "half a chunk");

        PruneReport report = repository.prune(PruneListener.NONE);

        assertThat(report.writers()).isZero();
        assertThat(report.deleted()).isEqualTo(2);
        assertThat(repository.store().all()).isEmpty();
        assertThat(ChunkStore.names(dir.resolve("repo/writers"))).isEmpty();
        assertThat(ChunkStore.names(dir.resolve("repo/tmp"))).as("the dead writer's temporary file").isEmpty();
    }

    /**
     * A writer reuses chunks that were garbage when the prune marked: right after the mark (the prune finds them
     * named when it looks again and puts them back), or once the prune has looked again (the writer finds them set
     * aside and writes them anew). Either way its point commits whole.
     */
    @ParameterizedTest(name = "the writer reuses garbage after the prune {0}")
    @ValueSource(strings = {"marked", "looked again"})
    void a_writer_reusing_garbage_while_a_prune_runs_keeps_it(String when) throws Exception {
        BackupRepository repository = repository();
        byte[] image = Images.random(7, 8 * CHUNK);
        RestorePoint forgotten = Images.write(repository, "vm-a", image, MONDAY);
        repository.forget(forgotten.id());
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean once = new AtomicBoolean();
        Runnable pause = () -> {
            if (once.compareAndSet(false, true)) {
                paused.countDown();
                await(release);
            }
        };
        ExecutorService thread = Executors.newSingleThreadExecutor();
        CompletableFuture<PruneReport> prune = CompletableFuture.supplyAsync(() -> repository.prune(new PruneListener() {
            @Override
            public void marked(int candidates) {
                if (when.equals("marked")) {
                    pause.run();
                }
            }

            @Override
            public void deleted(String chunk) {
                pause.run(); // the first deletion comes after the second look
            }
        }), thread);
        assertThat(paused.await(30, TimeUnit.SECONDS)).isTrue();

        RestorePoint point;
        try (PointWriter writer = repository.begin("vm-b", "{}", MONDAY.plusSeconds(60), Optional.empty())) {
            DiskWrite written = writer.writeDisk("vda", Images.stream(image));
            release.countDown();
            PruneReport report = prune.get(30, TimeUnit.SECONDS);
            if (when.equals("marked")) {
                assertThat(written.reused()).isEqualTo(8);
                assertThat(report.putBack()).isEqualTo(8);
                assertThat(report.deleted()).isZero();
            } else {
                assertThat(written.stored()).as("found set aside, written anew").isEqualTo(8);
                assertThat(report.deleted()).isEqualTo(8);
            }
            point = writer.commit();
        } finally {
            thread.shutdown();
        }

        assertThat(Images.read(repository, point.id(), "vda")).isEqualTo(image);
        assertThat(repository.verify().clean()).isTrue();
    }

    @Test
    void a_manifest_that_does_not_read_stops_a_prune_before_it_deletes_anything() throws IOException {
        BackupRepository repository = BackupRepository.create(dir.resolve("repo"), CHUNK,
                Optional.of(RepositoryKey.generate()));
        RestorePoint damaged = Images.write(repository, "vm-a", Images.random(8, 2 * CHUNK), MONDAY);
        RestorePoint forgotten = Images.write(repository, "vm-b", Images.random(9, 2 * CHUNK), MONDAY);
        repository.forget(forgotten.id());
        Path manifest = dir.resolve("repo/points/" + damaged.id() + ".json");
        byte[] bytes = Files.readAllBytes(manifest);
        bytes[bytes.length - 1] ^= 1;
        Files.write(manifest, bytes);

        assertThatThrownBy(() -> repository.prune(PruneListener.NONE))
                .isInstanceOf(RepositoryException.CorruptPoint.class)
                .hasMessageContaining("restore point " + damaged.id());
        assertThat(repository.store().all()).hasSize(4);
    }

    @Test
    void two_prunes_never_run_at_once() throws Exception {
        BackupRepository repository = repository();
        RestorePoint forgotten = Images.write(repository, "vm-a", Images.random(6, 2 * CHUNK), MONDAY);
        repository.forget(forgotten.id());
        CountDownLatch marked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        CompletableFuture<PruneReport> first = CompletableFuture.supplyAsync(() -> repository.prune(new PruneListener() {
            @Override
            public void marked(int candidates) {
                marked.countDown();
                await(release);
            }
        }), thread);
        assertThat(marked.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> repository.prune(PruneListener.NONE))
                .isInstanceOf(RepositoryException.PruneRunning.class)
                .hasMessageContaining("another prune is running");
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).deleted()).isEqualTo(2);
        thread.shutdown();
    }

    /**
     * Writers add points over and over, each reusing chunks of points the other thread forgets and prunes; whatever
     * the interleaving, every point that was committed and not forgotten reads back whole.
     */
    @Test
    void prune_beside_writers_never_takes_a_chunk_a_point_needs() throws Exception {
        BackupRepository repository = repository();
        byte[][] pool = new byte[6][];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = Images.random(100 + i, CHUNK);
        }
        List<RestorePoint> committed = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(3); // the common pool may have one thread
        CompletableFuture<Integer> pruner = CompletableFuture.supplyAsync(() -> {
            int deleted = 0;
            while (!stop.get()) {
                // forget all but the newest point of each VM (its writer reads it back meanwhile), so their chunks
                // become candidates that the writers' next points may reuse
                Map<String, RestorePoint> newest = new HashMap<>();
                for (RestorePoint point : repository.points()) {
                    RestorePoint older = newest.put(point.vm(), point);
                    if (older != null) {
                        forgetQuietly(repository, older.id());
                    }
                }
                deleted += repository.prune(PruneListener.NONE).deleted();
            }
            return deleted;
        }, threads);
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int seed = w;
            writers.add(CompletableFuture.runAsync(() -> {
                Random random = new Random(seed);
                for (int round = 0; round < 25; round++) {
                    byte[] image = new byte[4 * CHUNK];
                    for (int c = 0; c < 4; c++) {
                        System.arraycopy(pool[random.nextInt(pool.length)], 0, image, c * CHUNK, CHUNK);
                    }
                    image[random.nextInt(image.length)] ^= 1; // one fresh chunk per point
                    RestorePoint point = Images.write(repository, "vm-" + seed, image,
                            MONDAY.plusSeconds(round * 10L + seed));
                    assertThat(Images.read(repository, point.id(), "vda")).isEqualTo(image);
                    committed.add(point);
                }
            }, threads));
        }
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        stop.set(true);
        int deleted = pruner.get(60, TimeUnit.SECONDS);
        threads.shutdown();

        assertThat(deleted).as("prunes ran and deleted garbage meanwhile").isPositive();
        assertThat(committed).hasSize(50);
        for (RestorePoint point : repository.points()) {
            Images.read(repository, point.id(), "vda");
        }
        assertThat(repository.verify().clean()).isTrue();
    }

    /**
     * A prune in another JVM is killed with SIGKILL while it sets chunks aside, or while it deletes them, after a
     * writer here reused chunks that were garbage when the prune marked: the writer's point commits whole, every
     * point reads back, and the next prune finishes the work.
     */
    @ParameterizedTest(name = "killed after {0} chunks set aside or deleted")
    @ValueSource(strings = {"aside", "deleted"})
    void a_prune_killed_half_way_leaves_every_point_restorable(String stage) throws Exception {
        BackupRepository repository = repository();
        byte[] keptImage = Images.random(10, 16 * CHUNK);
        byte[] reusedImage = Images.random(11, 16 * CHUNK);
        RestorePoint kept = Images.write(repository, "vm-a", keptImage, MONDAY);
        RestorePoint reused = Images.write(repository, "vm-b", reusedImage, MONDAY);
        RestorePoint garbage = Images.write(repository, "vm-c", Images.random(12, 16 * CHUNK), MONDAY);
        repository.forget(reused.id());
        repository.forget(garbage.id());
        Path go = dir.resolve("go");

        Process child = PruneInChild.start(repository.directory(), go);
        RestorePoint written;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(PruneInChild.await(out, "marked", 1)).isEqualTo("marked 32");
            try (PointWriter writer = repository.begin("vm-b", "{}", MONDAY.plusSeconds(60), Optional.empty())) {
                assertThat(writer.writeDisk("vda", Images.stream(reusedImage)).reused()).isEqualTo(16);
                Files.createFile(go);
                PruneInChild.await(out, stage, 6);
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                written = writer.commit();
            }
        } finally {
            child.destroyForcibly();
        }

        assertThat(chunksOf(written)).as("a committed point needs nothing from the trash")
                .allMatch(repository.store()::has);
        assertThat(Images.read(repository, kept.id(), "vda")).isEqualTo(keptImage);
        assertThat(Images.read(repository, written.id(), "vda")).isEqualTo(reusedImage);
        assertThat(repository.verify().clean()).isTrue();

        PruneReport after = repository.prune(PruneListener.NONE);

        assertThat(new HashSet<>(repository.store().all())).isEqualTo(chunksOf(kept, written));
        assertThat(ChunkStore.names(repository.directory().resolve("trash"))).isEmpty();
        assertThat(after.points()).isEqualTo(2);
        assertThat(Images.read(repository, written.id(), "vda")).isEqualTo(reusedImage);
        assertThat(repository.verify().clean()).isTrue();
    }

    private static void forgetQuietly(BackupRepository repository, String point) {
        try {
            repository.forget(point);
        } catch (RepositoryException.NoSuchPoint e) {
            // forgotten already
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs in a child JVM: prunes a repository slowly, saying what it does, until it is killed. */
    static final class PruneInChild {

        public static void main(String[] args) {
            Path go = Path.of(args[1]);
            BackupRepository.open(Path.of(args[0]), Optional.empty()).prune(new PruneListener() {
                @Override
                public void marked(int candidates) {
                    say("marked " + candidates);
                    while (!Files.exists(go)) {
                        pause(Duration.ofMillis(10));
                    }
                }

                @Override
                public void setAside(String chunk) {
                    say("aside " + chunk);
                    pause(Duration.ofMillis(20));
                }

                @Override
                public void deleted(String chunk) {
                    say("deleted " + chunk);
                    pause(Duration.ofMillis(20));
                }
            });
            say("done");
        }

        static Process start(Path repository, Path go) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), PruneInChild.class.getName(), repository.toString(),
                    go.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        }

        /** Reads the child's lines until the {@code count}th that starts with {@code word}; answers it. */
        static String await(BufferedReader out, String word, int count) throws IOException {
            int seen = 0;
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(word + " ") && ++seen == count) {
                    return line;
                }
            }
            throw new AssertionError("the pruning child ended before it said '" + word + "' " + count + " times");
        }

        private static void say(String line) {
            System.out.println(line);
            System.out.flush();
        }

        private static void pause(Duration duration) {
            try {
                Thread.sleep(duration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
