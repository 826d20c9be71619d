package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.BackupExport;
import dev.paddock.hypervisor.BackupRequest;
import dev.paddock.hypervisor.Checkpoint;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.MigrationOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pull-mode backups of a running lab guest: the export is read with QEMU's own NBD client while the guest writes,
 * the incremental export's dirty bitmap marks only what the guest wrote since the checkpoint, and the checkpoints
 * follow the guest through a live migration.
 */
@Tag("lab")
class LabBackupTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();
    private static final Pattern HEARTBEAT = Pattern.compile("heartbeat (\\d+)");
    private static final Pattern EXTENT = Pattern.compile("\"length\": *(\\d+)[^}]*\"data\": *(true|false)");
    private static final int PORT = 10809;

    private LibvirtHypervisor hypervisor;
    private DomainSpec guest;

    @BeforeEach
    void attach() {
        hypervisor = new LibvirtHypervisor(LAB.lab().settings());
        for (Lab.Host host : LAB.lab().hosts().subList(0, 2)) {
            hypervisor.attach(host.id(), host.uri());
        }
        String uuid = UUID.randomUUID().toString();
        guest = LAB.lab().guest(uuid, "backup-" + uuid.substring(0, 8), 1, 128);
    }

    @AfterEach
    void remove() {
        try {
            for (Lab.Host host : LAB.lab().hosts().subList(0, 2)) {
                if (hypervisor.domain(host.id(), guest.uuid()).isPresent()) {
                    hypervisor.endBackup(host.id(), guest.uuid());
                    hypervisor.destroy(host.id(), guest.uuid());
                    hypervisor.undefine(host.id(), guest.uuid());
                }
            }
        } finally {
            hypervisor.close();
        }
    }

    @Test
    @DisplayName("refusals, then a full and an incremental pull backup of a writing guest, and its checkpoints after a"
            + " migration")
    void fullIncrementalAndMigration() throws Exception {
        String h1 = LAB.lab().host(1).id();
        String h2 = LAB.lab().host(2).id();
        hypervisor.define(h1, guest);
        assertThatThrownBy(() -> hypervisor.beginBackup(h1, guest.uuid(),
                new BackupRequest("cp0", Optional.empty(), List.of("vda"), "10.77.0.1", PORT)))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("does not run");
        hypervisor.start(h1, guest.uuid());
        assertThatThrownBy(() -> hypervisor.beginBackup(h1, guest.uuid(),
                new BackupRequest("cp0", Optional.empty(), List.of("vdz"), "10.77.0.1", PORT)))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("no disk vdz");
        assertThat(hypervisor.checkpoints(h1, guest.uuid())).as("a refused backup leaves no checkpoint").isEmpty();
        awaitHeartbeatAbove(1);

        BackupExport full = hypervisor.beginBackup(h1, guest.uuid(),
                new BackupRequest("cp1", Optional.empty(), List.of("vda"), "10.77.0.1", PORT));
        assertThat(full.port()).isEqualTo(PORT);
        assertThat(full.disks()).singleElement().satisfies(d -> {
            assertThat(d.exportName()).isEqualTo("vda");
            assertThat(d.bitmap()).isEmpty();
        });
        long frozen = beatIn("nbd://10.77.0.1:" + PORT + "/vda");
        // The export is the disk at the checkpoint: the guest's later beats do not reach it.
        awaitHeartbeatAbove(frozen + 2);
        assertThat(beatIn("nbd://10.77.0.1:" + PORT + "/vda")).isEqualTo(frozen);
        assertThatThrownBy(() -> hypervisor.beginBackup(h1, guest.uuid(),
                new BackupRequest("cpx", Optional.empty(), List.of("vda"), "10.77.0.1", PORT + 1)))
                .isInstanceOf(HypervisorException.class);
        hypervisor.endBackup(h1, guest.uuid());
        assertThat(hypervisor.checkpoints(h1, guest.uuid())).extracting(Checkpoint::name).containsExactly("cp1");

        awaitHeartbeatAbove(frozen + 3);
        BackupExport incremental = hypervisor.beginBackup(h1, guest.uuid(),
                new BackupRequest("cp2", Optional.of("cp1"), List.of("vda"), "10.77.0.1", PORT));
        String bitmap = incremental.disk("vda").orElseThrow().bitmap().orElseThrow();
        long dirty = dirtyBytes("10.77.0.1", "vda", bitmap);
        // The guest rewrote sector 0 each second: one 64 KiB cluster, nothing else.
        assertThat(dirty).isPositive().isLessThanOrEqualTo(64 * 1024);
        hypervisor.endBackup(h1, guest.uuid());
        List<Checkpoint> chain = hypervisor.checkpoints(h1, guest.uuid());
        assertThat(chain).extracting(Checkpoint::name).containsExactly("cp1", "cp2");
        assertThat(chain.get(1).parent()).contains("cp1");
        assertThat(chain.get(1).disks()).containsExactly("vda");

        hypervisor.migrate(guest.uuid(), h1, h2, new MigrationOptions(Optional.empty(), Optional.empty(),
                Optional.empty()), p -> {});
        assertThat(hypervisor.checkpoints(h2, guest.uuid())).extracting(Checkpoint::name)
                .containsExactly("cp1", "cp2");
        long moved = awaitHeartbeatAbove(frozen + 5);
        BackupExport after = hypervisor.beginBackup(h2, guest.uuid(),
                new BackupRequest("cp3", Optional.of("cp2"), List.of("vda"), "10.77.0.2", PORT));
        long dirtyAfter = dirtyBytes("10.77.0.2", "vda", after.disk("vda").orElseThrow().bitmap().orElseThrow());
        assertThat(dirtyAfter).as("the bitmap came with the disk: still one cluster").isPositive()
                .isLessThanOrEqualTo(64 * 1024);
        assertThat(beatIn("nbd://10.77.0.2:" + PORT + "/vda")).isGreaterThanOrEqualTo(moved);
        hypervisor.endBackup(h2, guest.uuid());

        hypervisor.deleteCheckpoint(h2, guest.uuid(), "cp1");
        hypervisor.deleteCheckpoint(h2, guest.uuid(), "no-such");
        assertThat(hypervisor.checkpoints(h2, guest.uuid())).extracting(Checkpoint::name)
                .containsExactly("cp2", "cp3");
        assertThatThrownBy(() -> hypervisor.beginBackup(h2, guest.uuid(),
                new BackupRequest("cp4", Optional.of("cp1"), List.of("vda"), "10.77.0.2", PORT)))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("no checkpoint cp1");
    }

    private long awaitHeartbeatAbove(long floor) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        OptionalLong beat = OptionalLong.empty();
        while (System.nanoTime() < deadline) {
            beat = LAB.lab().heartbeat(guest);
            if (beat.isPresent() && beat.getAsLong() > floor) {
                return beat.getAsLong();
            }
            sleep(Duration.ofMillis(300));
        }
        throw new AssertionError("the heartbeat did not pass " + floor + " (last " + beat + ")");
    }

    /** The heartbeat in sector 0 of a raw export, read by qemu-io over NBD. */
    private static long beatIn(String url) throws Exception {
        String out = run("qemu-io", "-r", "-f", "raw", "-c", "read -v 0 32", url);
        var bytes = new StringBuilder();
        for (String line : out.split("\n")) {
            int colon = line.indexOf(':');
            if (line.startsWith("000000") && colon > 0) {
                String hex = line.substring(colon + 1, Math.min(line.length(), colon + 1 + 50)).replace(" ", "");
                bytes.append(new String(java.util.HexFormat.of().parseHex(hex), StandardCharsets.US_ASCII));
            }
        }
        Matcher matcher = HEARTBEAT.matcher(bytes);
        assertThat(matcher.find()).as("a heartbeat in " + url + ": " + bytes).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    /** The bytes the export's dirty bitmap marks, as qemu-img maps them (x-dirty-bitmap shows them as data). */
    private static long dirtyBytes(String address, String export, String bitmap) throws Exception {
        String out = run("qemu-img", "map", "--output=json", "--image-opts", "driver=nbd,export=" + export
                + ",server.type=inet,server.host=" + address + ",server.port=" + PORT
                + ",x-dirty-bitmap=qemu:dirty-bitmap:" + bitmap);
        long dirty = 0;
        Matcher extent = EXTENT.matcher(out);
        while (extent.find()) {
            // With x-dirty-bitmap, qemu-img reports dirty ranges as not data (inverted sense).
            if (extent.group(2).equals("false")) {
                dirty += Long.parseLong(extent.group(1));
            }
        }
        return dirty;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + text).isZero();
        return text;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
