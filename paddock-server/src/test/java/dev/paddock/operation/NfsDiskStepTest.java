package dev.paddock.operation;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.hypervisor.VolumeFacts;
import dev.paddock.model.Datastore;
import dev.paddock.model.NfsExport;
import dev.paddock.operation.plan.Step;
import dev.paddock.sim.ManualClock;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.store.JdbcInventoryStore;
import dev.paddock.store.TestDatabases;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The steps that make a VM's disks on an NFS export from the library's images: a linked clone and a full copy are
 * made once (a re-run after a crash finds the file and does nothing), a copy's progress reaches the log, a seed is
 * written again harmlessly, a disk grows only once, and each undo removes only what its step made.
 */
class NfsDiskStepTest {

    private static final NfsExport EXPORT = NfsVolumeStepTest.EXPORT;
    private static final long GIB = NfsVolumeStepTest.GIB;

    @TempDir
    Path directory;

    private final SimulatedHypervisor sim = SimulatedHypervisor.create(ManualClock.atEpochOf2030(), 7);
    private HikariDataSource dataSource;
    private JdbcInventoryStore store;
    private NfsVolumeStepTest.DirectoryExports nas;
    private StepExecutor executor;
    private Path export;
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        dataSource = TestDatabases.h2(directory.resolve("db"));
        store = new JdbcInventoryStore(dataSource);
        export = Files.createDirectories(directory.resolve("export"));
        nas = new NfsVolumeStepTest.DirectoryExports(export);
        executor = new StepExecutor(sim, store, () -> false, HostFencing.NONE, nas);
        store.put(new dev.paddock.model.Site("s1", "lab", ""));
        store.put(Datastore.onNfs("d1", "s1", "nas", Set.of(), EXPORT, 10 * GIB, 10 * GIB));
        Files.writeString(export.resolve("tiny.qcow2"), "the image's bytes");
    }

    @AfterEach
    void close() {
        sim.close();
        dataSource.close();
    }

    @Test
    @DisplayName("a linked clone is a layer over the image, made once; its undo removes the layer and keeps the image")
    void linkedCloneOnce() {
        Step.CloneNfsVolume clone = new Step.CloneNfsVolume("d1", EXPORT, "web-root.qcow2", "tiny.qcow2", "qcow2", true,
                GIB);
        Optional<Step> undo = executor.undoOf(clone);

        executor.execute(clone, log::add);
        executor.execute(clone, log::add);

        assertThat(nas.image(EXPORT, "web-root.qcow2").backingFile()).contains("tiny.qcow2");
        assertThat(nas.created).isEqualTo(1);
        assertThat(log).contains("linked clone nfs://nas/export/paddock/web-root.qcow2 over tiny.qcow2",
                "nfs://nas/export/paddock/web-root.qcow2 exists already");
        assertThat(undo).contains(new Step.DeleteNfsVolume("d1", EXPORT, "web-root.qcow2"));
        assertThat(executor.undoOf(clone)).as("the layer is there now: nothing of this run to undo").isEmpty();

        executor.execute(undo.orElseThrow(), log::add);
        assertThat(nas.files(EXPORT)).extracting(VolumeFacts::name).containsExactly("tiny.qcow2");
    }

    @Test
    @DisplayName("a full copy logs each quarter it passes, reports no part done once it ends, and is made once")
    void fullCopyWithProgress() throws IOException {
        Step.CloneNfsVolume copy = new Step.CloneNfsVolume("d1", EXPORT, "web-root.qcow2", "tiny.qcow2", "qcow2", false,
                GIB);

        executor.execute(copy, log::add);
        executor.execute(copy, log::add);

        assertThat(Files.readString(export.resolve("web-root.qcow2"))).isEqualTo("the image's bytes");
        assertThat(nas.created).isEqualTo(1);
        assertThat(log).containsSubsequence("copied 25% of tiny.qcow2", "copied 50% of tiny.qcow2",
                "copy nfs://nas/export/paddock/web-root.qcow2 of tiny.qcow2",
                "nfs://nas/export/paddock/web-root.qcow2 exists already");
        assertThat(log).noneMatch(line -> line.startsWith("copied 75%") || line.startsWith("copied 100%"));
        assertThat(executor.partDone(copy)).isEmpty();
    }

    @Test
    @DisplayName("a seed is an ISO 9660 image labelled cidata, written again without complaint; its undo removes it")
    void seedWrittenTwice() throws IOException {
        Step.WriteNfsSeed seed = new Step.WriteNfsSeed("d1", EXPORT, "web-seed.iso", "instance-id: v1\n",
                "#cloud-config\n", "");

        executor.execute(seed, log::add);
        executor.execute(seed, log::add);

        byte[] iso = Files.readAllBytes(export.resolve("web-seed.iso"));
        assertThat(new String(Arrays.copyOfRange(iso, 32769, 32774), StandardCharsets.US_ASCII)).isEqualTo("CD001");
        assertThat(new String(Arrays.copyOfRange(iso, 32808, 32814), StandardCharsets.US_ASCII))
                .isEqualToIgnoringCase("cidata");
        assertThat(executor.undoOf(seed)).contains(new Step.DeleteNfsVolume("d1", EXPORT, "web-seed.iso"));
    }

    @Test
    @DisplayName("a disk grows once to the size asked and is never shrunk back by an undo")
    void growsOnce() {
        executor.execute(new Step.CloneNfsVolume("d1", EXPORT, "web-root.qcow2", "tiny.qcow2", "qcow2", true, GIB),
                log::add);
        Step.ResizeNfsVolume grow = new Step.ResizeNfsVolume("d1", EXPORT, "web-root.qcow2", "qcow2", 4 * GIB);

        assertThat(executor.undoOf(grow)).isEmpty();
        executor.execute(grow, log::add);
        executor.execute(grow, log::add);

        assertThat(nas.image(EXPORT, "web-root.qcow2").virtualBytes()).isEqualTo(4 * GIB);
        assertThat(log).contains("grew nfs://nas/export/paddock/web-root.qcow2 from " + GIB + " to " + 4 * GIB
                + " bytes", "nfs://nas/export/paddock/web-root.qcow2 is " + 4 * GIB + " bytes already");
    }
}
