package dev.paddock.backup;

import static dev.paddock.backup.Images.CHUNK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiskReaderTest {

    private static final Instant MONDAY = Instant.parse("2026-12-07T02:00:00Z");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "encrypted: {0}")
    @ValueSource(booleans = {false, true})
    void any_range_reads_the_bytes_of_the_image_across_chunks_holes_and_the_short_last_chunk(boolean encrypted) {
        BackupRepository repository = BackupRepository.create(dir.resolve("repo"), CHUNK,
                encrypted ? Optional.of(RepositoryKey.generate()) : Optional.empty());
        byte[] image = Images.sparse(1, 20 * CHUNK + 4321); // every other chunk a hole, the last one short
        RestorePoint point = Images.write(repository, "web-1", image, MONDAY);
        DiskReader reader = repository.reader(point.id(), "vda");

        Random random = new Random(5);
        for (int i = 0; i < 500; i++) {
            int length = random.nextInt(3 * CHUNK);
            long position = random.nextLong(image.length - length + 1);
            assertThat(reader.read(position, length)).as("bytes %d to %d", position, position + length)
                    .isEqualTo(Arrays.copyOfRange(image, (int) position, (int) position + length));
        }
        assertThat(reader.size()).isEqualTo(image.length);
        assertThat(reader.read(image.length - 10, 10)).isEqualTo(Arrays.copyOfRange(image, image.length - 10,
                image.length));
    }

    @Test
    void a_read_fetches_only_the_chunks_its_range_covers() throws IOException {
        BackupRepository repository = BackupRepository.create(dir.resolve("repo"), CHUNK, Optional.empty());
        byte[] image = Images.random(2, 12 * CHUNK);
        RestorePoint point = Images.write(repository, "web-1", image, MONDAY);
        Extent kept = point.disk("vda").orElseThrow().extents().get(7);
        for (Extent extent : point.disk("vda").orElseThrow().extents()) {
            if (!extent.equals(kept)) {
                Files.delete(repository.store().path(extent.chunk()));
            }
        }
        DiskReader reader = repository.reader(point.id(), "vda");

        assertThat(reader.read(7L * CHUNK + 100, CHUNK - 200))
                .isEqualTo(Arrays.copyOfRange(image, 7 * CHUNK + 100, 8 * CHUNK - 100));
        Extent gone = point.disk("vda").orElseThrow().extents().get(8);
        assertThatThrownBy(() -> reader.read(8L * CHUNK - 10, 20))
                .isInstanceOf(RepositoryException.MissingChunk.class)
                .hasMessage("chunk " + gone.chunk() + " of restore point " + point.id() + " (disk vda at offset "
                        + 8 * CHUNK + ") is missing from the repository");
    }

    @Test
    void a_corrupt_chunk_fails_the_read_with_the_sentence_the_stream_gives() throws IOException {
        BackupRepository repository = BackupRepository.create(dir.resolve("repo"), CHUNK, Optional.empty());
        byte[] image = Images.random(3, 6 * CHUNK);
        RestorePoint point = Images.write(repository, "web-1", image, MONDAY);
        Extent damaged = point.disk("vda").orElseThrow().extents().get(4);
        Path file = repository.store().path(damaged.chunk());
        byte[] stored = Files.readAllBytes(file);
        stored[stored.length / 2] ^= 0x5a;
        Files.write(file, stored);

        Throwable fromReader = catchThrowable(() -> repository.reader(point.id(),
                "vda").read(4L * CHUNK + 1, 1));
        Throwable fromStream;
        try (InputStream stream = repository.openDisk(point.id(), "vda")) {
            fromStream = catchThrowable(() -> stream.readAllBytes());
        }

        assertThat(fromReader).isInstanceOf(RepositoryException.CorruptChunk.class)
                .hasMessageContaining(damaged.chunk()).hasMessageContaining("disk vda at offset " + 4 * CHUNK)
                .hasMessage(fromStream.getMessage());
        assertThat(repository.reader(point.id(), "vda").read(3L * CHUNK, 10))
                .as("the chunks beside it still read").isEqualTo(Arrays.copyOfRange(image, 3 * CHUNK, 3 * CHUNK + 10));
    }

    @Test
    void a_range_outside_the_disk_or_a_disk_the_point_lacks_is_refused() {
        BackupRepository repository = BackupRepository.create(dir.resolve("repo"), CHUNK, Optional.empty());
        RestorePoint point = Images.write(repository, "web-1", Images.random(4, 2 * CHUNK), MONDAY);
        DiskReader reader = repository.reader(point.id(), "vda");

        assertThatThrownBy(() -> reader.read(2L * CHUNK - 5, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("are not inside disk vda");
        assertThatThrownBy(() -> repository.reader(point.id(), "vdb"))
                .isInstanceOf(RepositoryException.NoSuchPoint.class).hasMessageContaining("has no disk vdb");
    }
}
