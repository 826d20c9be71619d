package dev.paddock.backup;

import static dev.paddock.backup.Images.CHUNK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackupRepositoryTest {

    private static final Instant MONDAY = Instant.parse("2026-12-07T02:00:00Z");

    @TempDir
    Path dir;

    private BackupRepository repository(boolean encrypted) {
        return BackupRepository.create(dir.resolve("repo"), CHUNK,
                encrypted ? Optional.of(RepositoryKey.generate()) : Optional.empty());
    }

    @ParameterizedTest(name = "encrypted: {0}")
    @ValueSource(booleans = {false, true})
    void a_random_image_reads_back_byte_for_byte(boolean encrypted) {
        BackupRepository repository = repository(encrypted);
        byte[] image = Images.random(1, 10 * CHUNK + 12_345); // the last chunk is short

        RestorePoint point = Images.write(repository, "web-1", image, MONDAY);

        assertThat(Images.read(repository, point.id(), "vda")).isEqualTo(image);
        assertThat(point.disk("vda").orElseThrow().extents()).hasSize(11);
        assertThat(repository.points()).extracting(RestorePoint::id).containsExactly(point.id());
        assertThat(repository.points().getFirst().configuration().path("name").asText()).isEqualTo("web-1");
    }

    @Test
    void zeros_are_stored_as_holes_and_read_back_as_zeros() {
        BackupRepository repository = repository(false);
        byte[] image = Images.sparse(2, 16 * CHUNK);

        DiskWrite written;
        RestorePoint point;
        try (PointWriter writer = repository.begin("db-1", "{}", MONDAY, Optional.empty())) {
            written = writer.writeDisk("vda", Images.stream(image));
            point = writer.commit();
        }

        assertThat(written.holes()).isEqualTo(8);
        assertThat(written.stored()).isEqualTo(8);
        assertThat(point.disk("vda").orElseThrow().mappedBytes()).isEqualTo(8L * CHUNK);
        assertThat(Images.read(repository, point.id(), "vda")).isEqualTo(image);
    }

    @Test
    void two_vms_cloned_from_one_image_share_their_common_chunks() {
        BackupRepository repository = repository(false);
        byte[] template = Images.random(3, 20 * CHUNK);
        byte[] clone = template.clone();
        Arrays.fill(clone, 5 * CHUNK + 100, 5 * CHUNK + 200, (byte) 7); // the clone changed two chunks
        Arrays.fill(clone, 17 * CHUNK, 17 * CHUNK + 10, (byte) 9);

        DiskWrite first;
        DiskWrite second;
        try (PointWriter a = repository.begin("vm-a", "{}", MONDAY, Optional.empty());
             PointWriter b = repository.begin("vm-b", "{}", MONDAY, Optional.empty())) {
            first = a.writeDisk("vda", Images.stream(template));
            a.commit();
            second = b.writeDisk("vda", Images.stream(clone));
            b.commit();
        }

        assertThat(first.stored()).isEqualTo(20);
        assertThat(second.stored()).as("only the changed chunks are new").isEqualTo(2);
        assertThat(second.reused()).isEqualTo(18);
        assertThat(repository.store().all()).hasSize(22);
        String b = repository.points().stream().filter(p -> p.vm().equals("vm-b")).findFirst().orElseThrow().id();
        assertThat(Images.read(repository, b, "vda")).isEqualTo(clone);
    }

    @Test
    void chunks_are_compressed_and_named_by_the_sha256_of_their_content() throws Exception {
        BackupRepository repository = repository(false);
        byte[] image = Images.compressible(4, 4 * CHUNK);

        DiskWrite written;
        try (PointWriter writer = repository.begin("log-1", "{}", MONDAY, Optional.empty())) {
            written = writer.writeDisk("vda", Images.stream(image));
            writer.commit();
        }

        assertThat(written.bytesStored()).isLessThan(image.length / 3);
        assertThat(repository.store().has(sparseDigest(Arrays.copyOf(image, CHUNK)))).isTrue();
    }

    @Test
    void an_incremental_point_is_the_previous_map_with_the_changed_chunks_replaced() {
        BackupRepository repository = repository(false);
        byte[] before = Images.sparse(5, 12 * CHUNK);
        RestorePoint full = Images.write(repository, "app-1", before, MONDAY);
        byte[] after = Arrays.copyOf(before, 13 * CHUNK + 500); // the disk grew
        List<ChangedRange> changed = List.of(
                new ChangedRange(2 * CHUNK - 10, 20),        // across a chunk boundary: two chunks
                new ChangedRange(CHUNK + 4096, 4096),         // a hole gets data (chunk 1 was zeros)
                new ChangedRange(13 * CHUNK, 500));           // in the grown part
        byte[] fresh = Images.random(6, 5000);
        for (ChangedRange range : changed) {
            System.arraycopy(fresh, 0, after, (int) range.offset(), (int) range.length());
        }

        DiskWrite written;
        RestorePoint incremental;
        try (PointWriter writer = repository.begin("app-1", "{}", MONDAY.plusSeconds(900), Optional.of(full.id()))) {
            written = writer.writeChanges("vda", after.length, changed,
                    (offset, into, at, length) -> System.arraycopy(after, (int) offset, into, at, length));
            incremental = writer.commit();
        }

        assertThat(Images.read(repository, incremental.id(), "vda")).isEqualTo(after);
        assertThat(Images.read(repository, full.id(), "vda")).isEqualTo(before);
        assertThat(written.bytesRead()).as("only the changed bytes came from the disk").isEqualTo(20 + 4096 + 500);
        assertThat(written.stored()).isEqualTo(3); // chunks 1 and 2 (chunk 1 was a hole), chunk 13
        assertThat(written.reused()).isEqualTo(5); // the other data chunks of the sparse image
        assertThat(incremental.parent()).contains(full.id());

        repository.forget(full.id());
        repository.prune(PruneListener.NONE);
        assertThat(Images.read(repository, incremental.id(), "vda")).as("a full map outlives its parent")
                .isEqualTo(after);
    }

    /** Seeded rounds of random writes: each incremental point reads back as the disk was, every earlier one too. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void incremental_points_written_round_after_round_each_read_back_as_the_disk_was(long seed) {
        BackupRepository repository = repository(seed == 3);
        Random random = new Random(seed);
        byte[] disk = Images.sparse(seed, 24 * CHUNK);
        List<RestorePoint> points = new ArrayList<>(List.of(Images.write(repository, "vm", disk, MONDAY)));
        List<byte[]> states = new ArrayList<>(List.of(disk.clone()));
        for (int round = 1; round <= 8; round++) {
            List<ChangedRange> changed = new ArrayList<>();
            Set<Long> touched = new HashSet<>();
            for (int write = random.nextInt(5); write >= 0; write--) {
                int length = 1 + random.nextInt(3 * CHUNK / 2);
                int offset = random.nextInt(disk.length - length);
                byte[] data = random.nextInt(4) == 0 ? new byte[length] : Images.random(random.nextLong(), length);
                System.arraycopy(data, 0, disk, offset, length);
                changed.add(new ChangedRange(offset, length));
                for (long c = offset / CHUNK; c <= (offset + length - 1) / CHUNK; c++) {
                    touched.add(c);
                }
            }
            byte[] now = disk.clone();
            DiskWrite written;
            try (PointWriter writer = repository.begin("vm", "{}", MONDAY.plusSeconds(round * 900L),
                    Optional.of(points.getLast().id()))) {
                written = writer.writeChanges("vda", now.length, changed,
                        (offset, into, at, length) -> System.arraycopy(now, (int) offset, into, at, length));
                points.add(writer.commit());
            }
            states.add(now);
            assertThat(written.stored()).as("only touched chunks can be new").isLessThanOrEqualTo(touched.size());
        }

        for (int i = 0; i < points.size(); i++) {
            assertThat(Images.read(repository, points.get(i).id(), "vda")).as("point " + i).isEqualTo(states.get(i));
        }
        assertThat(repository.verify().clean()).isTrue();
    }

    @Test
    void a_point_not_committed_is_never_visible() {
        BackupRepository repository = repository(false);
        try (PointWriter writer = repository.begin("vm-a", "{}", MONDAY, Optional.empty())) {
            writer.writeDisk("vda", Images.stream(Images.random(7, 3 * CHUNK)));
            assertThat(repository.points()).isEmpty();
        }

        assertThat(repository.points()).isEmpty();
        assertThat(ChunkStore.names(dir.resolve("repo/writers"))).isEmpty();
        assertThat(ChunkStore.names(dir.resolve("repo/points"))).isEmpty();
    }

    @ParameterizedTest(name = "encrypted: {0}")
    @ValueSource(booleans = {false, true})
    void a_corrupt_chunk_is_named_by_verify_with_every_point_that_needs_it_and_never_read_back(boolean encrypted)
            throws IOException {
        BackupRepository repository = repository(encrypted);
        byte[] image = Images.random(8, 6 * CHUNK);
        RestorePoint a = Images.write(repository, "vm-a", image, MONDAY);
        RestorePoint b = Images.write(repository, "vm-b", image, MONDAY.plusSeconds(60));
        Extent damaged = a.disk("vda").orElseThrow().extents().get(3);
        Path file = repository.store().path(damaged.chunk());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(file, bytes);

        VerifyReport report = repository.verify();

        assertThat(report.chunksRead()).isEqualTo(6);
        assertThat(report.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.chunk()).isEqualTo(damaged.chunk());
            assertThat(problem.kind()).isEqualTo(VerifyReport.Kind.CORRUPT);
            assertThat(problem.points()).containsExactlyInAnyOrder(a.id(), b.id());
        });
        assertThatThrownBy(() -> Images.read(repository, b.id(), "vda"))
                .isInstanceOf(RepositoryException.CorruptChunk.class)
                .hasMessageContaining(damaged.chunk())
                .hasMessageContaining("restore point " + b.id())
                .hasMessageContaining("offset " + 3 * CHUNK);
    }

    @Test
    void a_missing_chunk_is_named_by_verify_and_by_a_read() throws IOException {
        BackupRepository repository = repository(false);
        RestorePoint point = Images.write(repository, "vm-a", Images.random(9, 4 * CHUNK), MONDAY);
        Extent lost = point.disk("vda").orElseThrow().extents().get(1);
        Files.delete(repository.store().path(lost.chunk()));

        assertThat(repository.verify().problems()).singleElement().satisfies(problem -> {
            assertThat(problem.kind()).isEqualTo(VerifyReport.Kind.MISSING);
            assertThat(problem.points()).containsExactly(point.id());
        });
        assertThatThrownBy(() -> Images.read(repository, point.id(), "vda"))
                .isInstanceOf(RepositoryException.MissingChunk.class)
                .hasMessageContaining(lost.chunk()).hasMessageContaining(point.id());
    }

    @Test
    void an_encrypted_repository_opens_only_with_its_key_and_its_files_say_nothing_of_the_content() throws Exception {
        RepositoryKey key = RepositoryKey.generate();
        Path keyFile = dir.resolve("keys").resolve("backup.key");
        Files.createDirectories(keyFile.getParent());
        key.write(keyFile);
        BackupRepository repository = BackupRepository.create(dir.resolve("repo"), CHUNK, Optional.of(key));
        byte[] image = Images.random(10, 2 * CHUNK); // incompressible: stored as it is unless encrypted
        byte[] marker = "PADDOCK-PLAIN-MARKER".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(marker, 0, image, 1000, marker.length);
        RestorePoint point = Images.write(repository, "secret-vm", image, MONDAY);

        assertThatThrownBy(() -> BackupRepository.open(dir.resolve("repo"), Optional.of(RepositoryKey.generate())))
                .isInstanceOf(RepositoryException.WrongKey.class)
                .hasMessage("the key given does not open repository " + dir.resolve("repo")
                        + ": it was made with another key");
        assertThatThrownBy(() -> BackupRepository.open(dir.resolve("repo"), Optional.empty()))
                .isInstanceOf(RepositoryException.WrongKey.class).hasMessageContaining("is encrypted");

        BackupRepository reopened = BackupRepository.open(dir.resolve("repo"), Optional.of(RepositoryKey.read(keyFile)));
        assertThat(Images.read(reopened, point.id(), "vda")).isEqualTo(image);
        String plainName = sparseDigest(Arrays.copyOf(image, CHUNK));
        assertThat(reopened.store().all()).hasSize(2).doesNotContain(plainName);
        try (Stream<Path> files = Files.walk(dir.resolve("repo"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertThat(text).as(file.toString()).doesNotContain("secret-vm").doesNotContain("PADDOCK-PLAIN-MARKER");
            }
        }
    }

    @Test
    void a_chunk_moved_under_another_name_does_not_pass_for_it() throws IOException {
        BackupRepository repository = repository(true);
        RestorePoint point = Images.write(repository, "vm-a", Images.random(11, 2 * CHUNK), MONDAY);
        List<Extent> extents = point.disk("vda").orElseThrow().extents();
        Files.copy(repository.store().path(extents.get(0).chunk()), repository.store().path(extents.get(1).chunk()),
                StandardCopyOption.REPLACE_EXISTING);

        assertThat(repository.verify().problems()).singleElement()
                .satisfies(problem -> assertThat(problem.chunk()).isEqualTo(extents.get(1).chunk()));
    }

    @Test
    void bad_input_is_refused_with_a_sentence() {
        BackupRepository repository = repository(false);

        assertThatThrownBy(() -> repository.openDisk("20260101T000000Z-00000000", "vda"))
                .isInstanceOf(RepositoryException.NoSuchPoint.class).hasMessageContaining("no restore point");
        assertThatThrownBy(() -> BackupRepository.open(dir, Optional.empty()))
                .isInstanceOf(RepositoryException.NotARepository.class);
        assertThatThrownBy(() -> BackupRepository.open(dir.resolve("repo"), Optional.of(RepositoryKey.generate())))
                .isInstanceOf(RepositoryException.WrongKey.class).hasMessageContaining("not encrypted");
        assertThatThrownBy(() -> BackupRepository.create(dir.resolve("other"), 1000, Optional.empty()))
                .hasMessageContaining("power of two");
        assertThatThrownBy(() -> repository.begin("vm", "{", MONDAY, Optional.empty()))
                .hasMessageContaining("JSON");
    }

    @Test
    void retention_forgets_the_points_its_policy_does_not_keep() {
        BackupRepository repository = repository(false);
        byte[] image = Images.random(12, 2 * CHUNK);
        for (int day = 0; day < 5; day++) {
            Images.write(repository, "vm-a", image, MONDAY.plusSeconds(86_400L * day));
            Images.write(repository, "vm-b", image, MONDAY.plusSeconds(86_400L * day));
        }

        Retention.Decision decision = repository.retain("vm-a", new RetentionPolicy(2, 0, 0), ZoneOffset.UTC);

        assertThat(decision.forgotten()).hasSize(3);
        assertThat(repository.points()).filteredOn(p -> p.vm().equals("vm-a")).hasSize(2);
        assertThat(repository.points()).filteredOn(p -> p.vm().equals("vm-b")).hasSize(5);
    }

    /**
     * The name a plain repository of format 2 gives a chunk, computed here from its definition: the SHA-256 of its
     * length (4 bytes, big-endian), a map with a bit per 4 KiB block set where the block is not all zeros (least
     * significant bit first), then those blocks.
     */
    static String sparseDigest(byte[] chunk) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        int blocks = (chunk.length + 4095) / 4096;
        byte[] map = new byte[(blocks + 7) / 8];
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        for (int block = 0; block < blocks; block++) {
            byte[] bytes = Arrays.copyOfRange(chunk, block * 4096, Math.min(chunk.length, (block + 1) * 4096));
            if (!Arrays.equals(bytes, new byte[bytes.length])) {
                map[block / 8] |= (byte) (1 << (block % 8));
                data.write(bytes);
            }
        }
        sha.update(java.nio.ByteBuffer.allocate(4).putInt(chunk.length).array());
        sha.update(map);
        sha.update(data.toByteArray());
        return HexFormat.of().formatHex(sha.digest());
    }
}
