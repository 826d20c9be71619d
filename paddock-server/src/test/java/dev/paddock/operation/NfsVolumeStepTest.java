package dev.paddock.operation;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.Datastore;
import dev.paddock.model.NfsExport;
import dev.paddock.operation.plan.Step;
import dev.paddock.sim.ManualClock;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.storage.NfsExports;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The steps that make and remove images on an NFS export: each checks the export first, so a re-run after a crash
 * changes nothing, the undo of a create removes only a file it made, and both record the sizes the export reports.
 */
class NfsVolumeStepTest {

    static final NfsExport EXPORT = new NfsExport("nas", "/export/paddock");
    static final long GIB = 1L << 30;

    @TempDir
    Path directory;

    private final SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 7);
    private HikariDataSource dataSource;
    private JdbcInventoryStore store;
    private DirectoryExports nas;
    private StepExecutor executor;
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        dataSource = TestDatabases.h2(directory.resolve("db"));
        store = new JdbcInventoryStore(dataSource);
        nas = new DirectoryExports(Files.createDirectories(directory.resolve("export")));
        executor = new StepExecutor(sim, store, () -> false, HostFencing.NONE, nas);
        store.put(new dev.paddock.model.Site("s1", "lab", ""));
        store.put(Datastore.onNfs("d1", "s1", "nas", Set.of(), EXPORT, 10 * GIB, 10 * GIB));
    }

    @AfterEach
    void close() {
        sim.close();
        dataSource.close();
    }

    @Test
    @DisplayName("a create makes the image once, its undo removes it, and the datastore shows the export's sizes")
    void createOnce() {
        Step.CreateNfsVolume create = new Step.CreateNfsVolume("d1", EXPORT, "web-root.qcow2", "qcow2", GIB);
        Optional<Step> undo = executor.undoOf(create);

        executor.execute(create, log::add);
        nas.free = 7 * GIB;
        executor.execute(create, log::add);

        assertThat(nas.files(EXPORT)).extracting(VolumeFacts::name).containsExactly("web-root.qcow2");
        assertThat(nas.created).isEqualTo(1);
        assertThat(log).anySatisfy(line -> assertThat(line).endsWith("exists already"));
        assertThat(store.datastore("d1").orElseThrow().freeBytes()).isEqualTo(7 * GIB);
        assertThat(undo).contains(new Step.DeleteNfsVolume("d1", EXPORT, "web-root.qcow2"));
        assertThat(executor.undoOf(create)).as("the file is there now: nothing of this run to undo").isEmpty();

        executor.execute(undo.orElseThrow(), log::add);
        executor.execute(undo.orElseThrow(), log::add);

        assertThat(nas.files(EXPORT)).isEmpty();
        assertThat(log).last().asString().contains("bytes free");
        assertThat(log).anySatisfy(line -> assertThat(line).endsWith("web-root.qcow2 was not there"));
    }

    /** An export played by a directory: the port's contract, without a server. */
    static final class DirectoryExports implements NfsExports {
        private final Path root;
        long free = 10 * GIB;
        int created;

        DirectoryExports(Path root) {
            this.root = root;
        }

        public Usage usage(NfsExport export) {
            return new Usage(10 * GIB, free);
        }

        public List<VolumeFacts> files(NfsExport export) {
            try (Stream<Path> files = Files.list(root)) {
                return files.map(path -> file(export, path.getFileName().toString()).orElseThrow()).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public Optional<VolumeFacts> file(NfsExport export, String name) {
            Path path = root.resolve(name);
            return Files.exists(path) ? Optional.of(new VolumeFacts(name, export.urlOf(name), export.fileOf(name),
                    "qcow2", GIB, 0, Optional.empty())) : Optional.empty();
        }

        public void create(NfsExport export, String name, String format, long sizeBytes) {
            try {
                Files.createFile(root.resolve(name));
                created++;
            } catch (IOException e) {
                throw new NfsException("Cannot create " + name + ": " + e.getMessage() + ".");
            }
        }

        public boolean delete(NfsExport export, String name) {
            try {
                return Files.deleteIfExists(root.resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A file made by {@link #layer} reads as a qcow2 layer; any other as a qcow2 image of its length. */
        public ImageFacts image(NfsExport export, String name) {
            try {
                String text = new String(Files.readAllBytes(root.resolve(name)), java.nio.charset.StandardCharsets.UTF_8);
                if (text.startsWith("layer over ")) {
                    String[] words = text.split(" ");
                    return new ImageFacts("qcow2", Long.parseLong(words[3]), Optional.of(words[2]));
                }
                return new ImageFacts("qcow2", Files.size(root.resolve(name)), Optional.empty());
            } catch (IOException e) {
                throw new NfsException("Cannot read " + name + ": " + e.getMessage() + ".");
            }
        }

        public void write(NfsExport export, String name, long length, java.io.InputStream body) throws IOException {
            byte[] bytes = body.readNBytes((int) length);
            if (bytes.length < length) {
                throw new IOException("the body ended before its " + length + " bytes");
            }
            Files.write(root.resolve(name), bytes, java.nio.file.StandardOpenOption.CREATE_NEW);
        }

        public void layer(NfsExport export, String name, String over, String overFormat, long sizeBytes) {
            if (!Files.exists(root.resolve(over))) {
                throw new NfsException("qemu-img could not create " + export.urlOf(name) + ": no " + over + ".");
            }
            try {
                Files.writeString(root.resolve(name), "layer over " + over + " " + sizeBytes,
                        java.nio.file.StandardOpenOption.CREATE_NEW);
                created++;
            } catch (IOException e) {
                throw new NfsException("Cannot create " + name + ": " + e.getMessage() + ".");
            }
        }

        public void resize(NfsExport export, String name, String format, long sizeBytes) {
            ImageFacts facts = image(export, name);
            try {
                Files.writeString(root.resolve(name), "layer over " + facts.backingFile().orElse("-") + " "
                        + sizeBytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public void copy(NfsExport export, String name, String from, String format, long sizeBytes,
                java.util.function.DoubleConsumer progress) {
            try {
                progress.accept(0.3);
                progress.accept(0.6);
                Files.copy(root.resolve(from), root.resolve(name));
                progress.accept(1.0);
                created++;
            } catch (IOException e) {
                throw new NfsException("Cannot copy " + from + ": " + e.getMessage() + ".");
            }
        }
    }
}
