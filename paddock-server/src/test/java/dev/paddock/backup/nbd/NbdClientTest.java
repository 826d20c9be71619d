package dev.paddock.backup.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.backup.BackupRepository;
import dev.paddock.backup.ChangedRange;
import dev.paddock.backup.DiskWrite;
import dev.paddock.backup.PointWriter;
import dev.paddock.backup.RestorePoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against qemu-nbd serving qcow2 images that qemu-io wrote, with qemu-img convert as the reference. */
class NbdClientTest {

    private static final int K = 1 << 10;
    private static final int M = 1 << 20;
    private static final long SIZE = 16 * M;
    private static final List<String> CONTEXTS =
            List.of(NbdClient.BASE_ALLOCATION, DirtyExtents.bitmapContext("b0"));

    @TempDir
    Path dir;

    /** Data before the bitmap: patterns, a short unaligned write, explicit zeros over data. */
    private QemuImage before() {
        return new QemuImage(dir, SIZE)
                .write(0xab, M, 64 * K)
                .write(0x11, 2 * M + 4096, 300 * K)
                .write(0x5a, 10 * M, 2 * M)
                .writeZeros(10 * M + 512 * K, 128 * K)
                .write(0x77, SIZE - 64 * K, 64 * K)
                .addBitmap("b0");
    }

    /** What the guest writes after the bitmap: the dirty ranges are exactly these, two of them touching. */
    private static QemuImage after(QemuImage image) {
        return image.write(0xcd, 3 * M, 128 * K)
                .write(0xee, 5 * M + 64 * K, 64 * K)
                .write(0x42, 8 * M, 64 * K)
                .write(0x43, 8 * M + 64 * K, 64 * K)
                .write(0x99, M, 64 * K);
    }

    @Test
    void the_client_reads_the_bytes_qemu_img_convert_gives() throws Exception {
        QemuImage image = after(before());
        byte[] expected = image.raw();
        try (QemuImage.Server server = image.serve("vda", Optional.empty());
             NbdClient client = NbdClient.connect(server.address(), "vda", List.of())) {
            assertThat(client.export().size()).isEqualTo(SIZE);
            assertThat(client.export().readOnly()).isTrue();
            byte[] whole = new byte[(int) SIZE];
            client.read(0, whole, 0, whole.length);
            assertThat(Arrays.equals(whole, expected)).as("the whole disk read over NBD equals qemu-img's").isTrue();

            byte[] piece = new byte[70_000];
            client.read(2 * M + 1000, piece, 0, piece.length);
            assertThat(piece).isEqualTo(Arrays.copyOfRange(expected, 2 * M + 1000, 2 * M + 1000 + 70_000));
        }
    }

    @Test
    void dirty_extents_are_the_ranges_written_after_the_bitmap_was_added() throws Exception {
        QemuImage image = after(before());
        try (QemuImage.Server server = image.serve("vda", Optional.of("b0"));
             NbdClient client = NbdClient.connect(server.address(), "vda", CONTEXTS)) {
            assertThat(DirtyExtents.dirty(client, "b0")).containsExactly(
                    new ChangedRange(M, 64 * K),
                    new ChangedRange(3 * M, 128 * K),
                    new ChangedRange(5 * M + 64 * K, 64 * K),
                    new ChangedRange(8 * M, 128 * K));
        }
    }

    @Test
    void base_allocation_gives_the_ranges_that_read_as_zeros() throws Exception {
        QemuImage image = before();
        byte[] expected = image.raw();
        try (QemuImage.Server server = image.serve("vda", Optional.of("b0"));
             NbdClient client = NbdClient.connect(server.address(), "vda", CONTEXTS)) {
            List<ChangedRange> zeros = DirtyExtents.zeros(client);
            byte[] nothing = new byte[(int) SIZE];
            for (ChangedRange zero : zeros) {
                assertThat(Arrays.mismatch(expected, (int) zero.offset(), (int) zero.end(),
                        nothing, (int) zero.offset(), (int) zero.end())).as("range %s reads as zeros", zero)
                        .isEqualTo(-1);
            }
            long zeroBytes = zeros.stream().mapToLong(ChangedRange::length).sum();
            // qcow2 allocates 64 KiB clusters: the data written (2 MiB + 448 KiB + 64 KiB + 64 KiB, rounded to
            // clusters, less the 128 KiB zeroed) is all that is not reported as zeros
            long allocated = 64 * K + 320 * K + 2 * M - 128 * K + 64 * K;
            assertThat(zeroBytes).isEqualTo(SIZE - allocated);
        }
    }

    @Test
    void a_full_then_an_incremental_point_read_back_as_the_image_at_each_stage() throws Exception {
        BackupRepository repository = BackupRepository.create(dir.resolve("repo"), M, Optional.empty());
        QemuImage image = before();
        byte[] first = image.raw();
        RestorePoint full;
        try (QemuImage.Server server = image.serve("vda", Optional.of("b0"));
             NbdClient client = NbdClient.connect(server.address(), "vda", CONTEXTS);
             PointWriter writer = repository.begin("web-1", "{}", Instant.parse("2026-12-07T02:00:00Z"),
                     Optional.empty())) {
            DiskWrite written = ExportBackup.of(client).full(writer, "vda");
            assertThat(written.size()).isEqualTo(SIZE);
            long zeros = DirtyExtents.zeros(client).stream().mapToLong(ChangedRange::length).sum();
            assertThat(client.bytesReceived()).as("ranges that read as zeros are not asked for")
                    .isEqualTo(SIZE - zeros).isLessThan(3 * M);
            full = writer.commit();
        }
        assertThat(Arrays.equals(read(repository, full), first)).as("the full point equals the image").isTrue();

        after(image);
        byte[] second = image.raw();
        RestorePoint incremental;
        DiskWrite written;
        try (QemuImage.Server server = image.serve("vda", Optional.of("b0"));
             NbdClient client = NbdClient.connect(server.address(), "vda", CONTEXTS);
             PointWriter writer = repository.begin("web-1", "{}", Instant.parse("2026-12-07T03:00:00Z"),
                     Optional.of(full.id()))) {
            written = ExportBackup.of(client).changes(writer, "vda", "b0");
            assertThat(client.bytesReceived()).as("only dirty ranges are asked for").isEqualTo(384 * K);
            incremental = writer.commit();
        }
        assertThat(Arrays.equals(read(repository, incremental), second)).as("the incremental point equals the image")
                .isTrue();
        assertThat(Arrays.equals(read(repository, full), first)).as("the full point is unchanged").isTrue();
        assertThat(written.bytesRead()).as("only the dirty bytes are read").isEqualTo(384 * K);
    }

    @Test
    void the_client_reads_over_tcp_too() throws Exception {
        QemuImage image = before();
        byte[] expected = image.raw();
        try (QemuImage.Server server = image.serveTcp("vda", freePort());
             NbdClient client = NbdClient.connect(server.address(), "vda", List.of(NbdClient.BASE_ALLOCATION))) {
            byte[] piece = new byte[3 * M];
            client.read(10 * M - 4096, piece, 0, piece.length);
            assertThat(Arrays.equals(piece, Arrays.copyOfRange(expected, 10 * M - 4096, 13 * M - 4096))).isTrue();
        }
    }

    @Test
    void the_client_reads_over_tls_with_a_server_certificate_its_ca_signed() throws Exception {
        QemuImage image = before();
        byte[] expected = image.raw();
        Path certificates = QemuImage.certificates(dir.resolve("pki"));
        int port = freePort();
        try (QemuImage.Server server = image.serveTls("vda", port, certificates);
             NbdClient client = NbdClient.connect(server.address(), "vda", List.of(NbdClient.BASE_ALLOCATION),
                     Optional.of(NbdTls.trusting(certificates.resolve("ca-cert.pem"), "127.0.0.1")))) {
            byte[] piece = new byte[2 * M];
            client.read(M, piece, 0, piece.length);
            assertThat(Arrays.equals(piece, Arrays.copyOfRange(expected, M, 3 * M))).isTrue();
            assertThat(DirtyExtents.zeros(client)).isNotEmpty();
        }
    }

    @Test
    void the_client_presents_its_certificate_to_a_server_that_verifies_peers() throws Exception {
        QemuImage image = before();
        Path certificates = QemuImage.certificates(dir.resolve("pki"));
        int port = freePort();
        try (QemuImage.Server server = image.serveTls("vda", port, certificates, true)) {
            NbdTls anonymous = NbdTls.trusting(certificates.resolve("ca-cert.pem"), "127.0.0.1");
            assertThatThrownBy(() -> NbdClient.connect(server.address(), "vda", List.of(), Optional.of(anonymous)))
                    .isInstanceOf(NbdException.class)
                    .hasMessageContaining("closed the connection during the handshake after TLS began")
                    .hasMessageContaining("no client certificate was presented");
            NbdTls known = NbdTls.trusting(certificates.resolve("ca-cert.pem"), certificates.resolve("client-cert.pem"),
                    certificates.resolve("client-key.pem"), "127.0.0.1");
            try (NbdClient client = NbdClient.connect(server.address(), "vda", List.of(), Optional.of(known))) {
                byte[] block = new byte[64 * K];
                client.read(M, block, 0, block.length);
                assertThat(block).containsOnly((byte) 0xab);
            }
        }
    }

    @Test
    void tls_refusals_are_sentences() throws Exception {
        QemuImage image = before();
        Path certificates = QemuImage.certificates(dir.resolve("pki"));
        Path stranger = QemuImage.certificates(dir.resolve("other-pki"));
        int port = freePort();
        try (QemuImage.Server server = image.serveTls("vda", port, certificates)) {
            assertThatThrownBy(() -> NbdClient.connect(server.address(), "vda", List.of()))
                    .isInstanceOf(NbdException.class)
                    .hasMessageContaining("NBD_REP_ERR_TLS_REQD (the server requires TLS)");
            assertThatThrownBy(() -> NbdClient.connect(server.address(), "vda", List.of(),
                    Optional.of(NbdTls.trusting(stranger.resolve("ca-cert.pem"), "127.0.0.1"))))
                    .isInstanceOf(NbdException.class)
                    .hasMessageContaining("the TLS handshake with NBD server")
                    .hasMessageContaining("must be signed by the CA given and name 127.0.0.1");
        }
    }

    @Test
    void a_server_that_is_not_there_is_named() {
        UnixDomainSocketAddress nowhere = UnixDomainSocketAddress.of(dir.resolve("absent.sock"));
        assertThatThrownBy(() -> NbdClient.connect(nowhere, "vda", List.of()))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot connect to NBD server " + nowhere);
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    @Test
    void block_status_walks_a_disk_larger_than_one_request_can_ask_for() throws Exception {
        long size = 10L << 30; // one block status request asks for less than 4 GiB
        QemuImage image = new QemuImage(dir, size).write(0x01, 64 * K, 64 * K).addBitmap("b0")
                .write(0x02, (9L << 30) + 64 * K, 64 * K)
                .write(0x03, (4L << 30) - 64 * K, 128 * K);
        try (QemuImage.Server server = image.serve("vda", Optional.of("b0"));
             NbdClient client = NbdClient.connect(server.address(), "vda", CONTEXTS)) {
            assertThat(DirtyExtents.dirty(client, "b0")).containsExactly(
                    new ChangedRange((4L << 30) - 64 * K, 128 * K),
                    new ChangedRange((9L << 30) + 64 * K, 64 * K));
            assertThat(DirtyExtents.zeros(client)).containsExactly(
                    new ChangedRange(0, 64 * K),
                    new ChangedRange(128 * K, (4L << 30) - 64 * K - 128 * K),
                    new ChangedRange((4L << 30) + 64 * K, 5L << 30),
                    new ChangedRange((9L << 30) + 128 * K, size - (9L << 30) - 128 * K));
        }
    }

    @Test
    void an_export_the_server_does_not_have_is_refused_with_a_sentence() throws Exception {
        QemuImage image = before();
        try (QemuImage.Server server = image.serve("vda", Optional.empty())) {
            assertThatThrownBy(() -> NbdClient.connect(server.address(), "vdb", List.of()))
                    .isInstanceOf(NbdException.class)
                    .hasMessageContaining("refused export 'vdb'")
                    .hasMessageContaining("NBD_REP_ERR_UNKNOWN (no such export)");
        }
    }

    @Test
    void a_bitmap_the_export_does_not_have_is_refused_with_a_sentence() throws Exception {
        QemuImage image = before();
        try (QemuImage.Server server = image.serve("vda", Optional.of("b0"))) {
            assertThatThrownBy(() -> NbdClient.connect(server.address(), "vda",
                    List.of(NbdClient.BASE_ALLOCATION, DirtyExtents.bitmapContext("nope"))))
                    .isInstanceOf(NbdException.class)
                    .hasMessageContaining("does not offer metadata context 'qemu:dirty-bitmap:nope' for export 'vda'")
                    .hasMessageContaining("no such dirty bitmap");
        }
    }

    @Test
    void a_read_past_the_end_of_the_export_is_refused_before_it_is_sent() throws Exception {
        QemuImage image = before();
        try (QemuImage.Server server = image.serve("vda", Optional.empty());
             NbdClient client = NbdClient.connect(server.address(), "vda", List.of())) {
            assertThatThrownBy(() -> client.read(SIZE - 10, new byte[20], 0, 20))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not fit export 'vda'");
            byte[] tail = new byte[10];
            client.read(SIZE - 10, tail, 0, 10);
            assertThat(tail).containsOnly((byte) 0x77);
        }
    }

    private static byte[] read(BackupRepository repository, RestorePoint point) throws IOException {
        try (InputStream in = repository.openDisk(point.id(), "vda")) {
            return in.readAllBytes();
        }
    }
}
