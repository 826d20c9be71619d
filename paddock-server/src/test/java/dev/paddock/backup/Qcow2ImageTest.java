package dev.paddock.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Restore points' disks streamed as qcow2 images from a real repository, then judged by QEMU's own tools: qemu-img
 * check finds no error, info reads qcow2 of the disk's size, compare finds the raw disk identical, map shows data only
 * where the map has extents, and bitmap --add (what a checkpoint needs) works.
 */
class Qcow2ImageTest {

    private static final Instant MONDAY = Instant.parse("2026-12-07T02:00:00Z");
    private static final int SMALL = 64 << 10;
    private static final int LARGE = 4 << 20;
    private static final long TIB = 1L << 40;

    @TempDir
    Path dir;

    /** A disk with data in chunks {@code data} of {@code chunks} and zeros elsewhere, ending {@code tail} bytes on. */
    private static byte[] chunks(long seed, int chunkSize, int chunks, int tail, int... data) {
        byte[] image = new byte[chunks * chunkSize + tail];
        byte[] random = Images.random(seed, image.length);
        for (int chunk : data) {
            int from = chunk * chunkSize;
            System.arraycopy(random, from, image, from, Math.min(chunkSize, image.length - from));
        }
        return image;
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                shape("an empty disk", SMALL, false, () -> new byte[0]),
                shape("one byte", SMALL, false, () -> new byte[] {0x5a}),
                shape("511 bytes, short of a sector", SMALL, false, () -> Images.random(1, 511)),
                shape("one chunk and one byte", SMALL, false, () -> Images.random(2, SMALL + 1)),
                shape("random data ending mid-cluster", SMALL, false, () -> Images.random(3, 5 * SMALL + 12_345)),
                shape("every other chunk a hole", SMALL, false, () -> Images.sparse(4, 16 * SMALL)),
                shape("encrypted, holes at both ends", SMALL, true, () -> chunks(5, SMALL, 8, 0, 2, 3, 5)),
                shape("4 MiB chunks, holes between, zeros inside, a short last chunk", LARGE, false, () -> {
                    byte[] image = chunks(6, LARGE, 5, 70_000, 0, 2, 5);
                    Arrays.fill(image, 100_000, 3 << 20, (byte) 0); // chunk 0 is mostly zeros: still one extent
                    return image;
                }));
    }

    private static Arguments shape(String name, int chunkSize, boolean encrypted, Supplier<byte[]> image) {
        return Arguments.of(name, chunkSize, encrypted, image);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void the_image_is_a_clean_qcow2_whose_guest_view_is_the_disk(String name, int chunkSize, boolean encrypted,
                                                                 Supplier<byte[]> shape) throws IOException {
        byte[] disk = shape.get();
        BackupRepository repository = BackupRepository.create(dir.resolve("repo"), chunkSize,
                encrypted ? Optional.of(RepositoryKey.generate()) : Optional.empty());
        RestorePoint point = Images.write(repository, "vm", disk, MONDAY);
        DiskMap map = point.disk("vda").orElseThrow();
        Path raw = Files.write(dir.resolve("disk.raw"), disk);

        Path image = stream(repository.openQcow2(point.id(), "vda"));

        long virtualSize = (disk.length + 511) / 512 * 512;
        checkedByQemu(image, raw, virtualSize, dataRanges(map, virtualSize));
        long clusters = map.extents().stream().mapToLong(e -> (e.length() + SMALL - 1) / SMALL).sum();
        assertThat(Files.size(image)).as("the extents' clusters and at most 8 clusters of metadata")
                .isBetween(clusters * SMALL + 3 * SMALL, clusters * SMALL + 8 * SMALL);
    }

    @Test
    void a_2_tib_disk_with_three_extents_is_a_small_image() throws IOException {
        BackupRepository repository = BackupRepository.create(dir.resolve("repo"), LARGE, Optional.empty());
        RestorePoint empty = Images.write(repository, "vm", new byte[0], MONDAY);
        long size = 2 * TIB;
        List<ChangedRange> changed = List.of(
                new ChangedRange(0, 4096),
                new ChangedRange(TIB + 5 * (1 << 20), 100_000),
                new ChangedRange(size - 1000, 1000));
        RangeSource source = (offset, into, at, length) -> {
            for (int i = 0; i < length; i++) {
                into[at + i] = (byte) ((offset + i) * 31 + 7);
            }
        };
        RestorePoint point;
        try (PointWriter writer = repository.begin("vm", "{}", MONDAY.plusSeconds(60), Optional.of(empty.id()))) {
            writer.writeChanges("vda", size, changed, source);
            point = writer.commit();
        }
        DiskMap map = point.disk("vda").orElseThrow();
        assertThat(map.extents()).hasSize(3);
        Path raw = dir.resolve("disk.raw");
        try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
            file.setLength(size);
            for (ChangedRange range : changed) {
                byte[] bytes = new byte[(int) range.length()];
                source.read(range.offset(), bytes, 0, bytes.length);
                file.seek(range.offset());
                file.write(bytes);
            }
        }

        Qcow2Image qcow2 = repository.openQcow2(point.id(), "vda");
        Path image = stream(qcow2);

        assertThat(qcow2.length()).as("3 chunks and 7 metadata clusters (a one-cluster L1 table, 3 L2 tables)")
                .isEqualTo(3L * LARGE + 7 * SMALL);
        checkedByQemu(image, raw, size, List.of(
                new long[] {0, LARGE}, new long[] {TIB + LARGE, TIB + 2 * LARGE}, new long[] {size - LARGE, size}));
    }

    @ParameterizedTest(name = "a {0} chunk")
    @ValueSource(strings = {"corrupt", "missing"})
    void a_bad_chunk_ends_the_stream_with_the_repository_exception_naming_it(String damage) throws IOException {
        BackupRepository repository = BackupRepository.create(dir.resolve("repo"), SMALL, Optional.empty());
        RestorePoint point = Images.write(repository, "vm", chunks(7, SMALL, 6, 0, 0, 2, 4), MONDAY);
        DiskMap map = point.disk("vda").orElseThrow();
        Extent bad = map.extents().get(1);
        Path file = repository.store().path(bad.chunk());
        if (damage.equals("missing")) {
            Files.delete(file);
        } else {
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 0x20;
            Files.write(file, bytes);
        }

        Qcow2Image qcow2 = repository.openQcow2(point.id(), "vda");
        long length = qcow2.length(); // known without reading a chunk
        CountingStream out = new CountingStream();
        Class<? extends RepositoryException> expected = damage.equals("missing")
                ? RepositoryException.MissingChunk.class : RepositoryException.CorruptChunk.class;

        try (InputStream in = qcow2.open()) {
            assertThatThrownBy(() -> in.transferTo(out)).isInstanceOf(expected)
                    .hasMessageContaining(bad.chunk())
                    .hasMessageContaining("restore point " + point.id())
                    .hasMessageContaining("offset " + bad.offset());
            assertThat(out.count).as("all before the bad chunk, nothing of it").isEqualTo(length - 2L * SMALL);
            assertThatThrownBy(in::read).as("read again, it fails again: it never goes on to the next chunk")
                    .isInstanceOf(expected);
        }
    }

    @Test
    void chunks_are_read_one_at_a_time_when_the_stream_reaches_them() throws IOException {
        DiskMap map = new DiskMap("vda", 3L << 30, List.of(
                new Extent(0, SMALL, "a"), new Extent(1L << 30, 100, "b"), new Extent(2L << 30, SMALL, "c")));
        List<String> read = new ArrayList<>();
        Qcow2Image qcow2 = Qcow2Image.of(map, extent -> {
            read.add(extent.chunk());
            byte[] content = new byte[extent.length()];
            Arrays.fill(content, (byte) extent.chunk().charAt(0));
            return content;
        });
        long metadata = qcow2.length() - 3L * SMALL;

        try (InputStream in = qcow2.open()) {
            byte[] tables = in.readNBytes((int) metadata);
            assertThat(read).as("metadata needs no chunk").isEmpty();
            assertThat(Arrays.copyOf(tables, 4)).isEqualTo(new byte[] {'Q', 'F', 'I', (byte) 0xfb});
            assertThat(in.read()).isEqualTo('a');
            assertThat(read).containsExactly("a");
            assertThat(in.skip(SMALL - 1 + 100)).isEqualTo(SMALL - 1 + 100);
            assertThat(read).containsExactly("a", "b");
            assertThat(in.readNBytes(SMALL - 100)).as("b's cluster is padded with zeros").containsOnly(0);
            assertThat(read).containsExactly("a", "b");
            assertThat(in.readAllBytes()).hasSize(SMALL).containsOnly('c');
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void a_chunk_of_another_length_than_its_extent_fails_the_stream() {
        DiskMap map = new DiskMap("vda", SMALL, List.of(new Extent(0, SMALL, "a")));
        Qcow2Image qcow2 = Qcow2Image.of(map, extent -> new byte[SMALL - 1]);

        assertThatThrownBy(() -> {
            try (InputStream in = qcow2.open()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("at offset 0 holds 65535 bytes");
    }

    /** Streams the image to a file, checking the stream gives exactly the length announced before. */
    private Path stream(Qcow2Image qcow2) throws IOException {
        long announced = qcow2.length();
        Path image = dir.resolve("disk.qcow2");
        long copied;
        try (InputStream in = qcow2.open(); OutputStream out = Files.newOutputStream(image)) {
            copied = in.transferTo(out);
        }
        assertThat(copied).as("bytes streamed").isEqualTo(announced);
        assertThat(Files.size(image)).isEqualTo(announced);
        return image;
    }

    /** The extents' clusters, clipped to the disk and joined where they touch: where qemu-img map must say data. */
    private static List<long[]> dataRanges(DiskMap map, long virtualSize) {
        List<long[]> ranges = new ArrayList<>();
        for (Extent extent : map.extents()) {
            long end = Math.min(virtualSize, (extent.offset() + extent.length() + SMALL - 1) / SMALL * SMALL);
            if (!ranges.isEmpty() && ranges.getLast()[1] == extent.offset()) {
                ranges.getLast()[1] = end;
            } else {
                ranges.add(new long[] {extent.offset(), end});
            }
        }
        return ranges;
    }

    private void checkedByQemu(Path image, Path raw, long virtualSize, List<long[]> data) throws IOException {
        assertThat(qemuImg("check", "-f", "qcow2", image.toString())).contains("No errors were found");
        JsonNode info = Json.mapper().readTree(qemuImg("info", "--output=json", image.toString()));
        assertThat(info.path("format").asText()).isEqualTo("qcow2");
        assertThat(info.path("virtual-size").asLong()).isEqualTo(virtualSize);
        assertThat(info.path("format-specific").path("data").path("compat").asText()).isEqualTo("1.1");
        assertThat(qemuImg("compare", "-f", "raw", "-F", "qcow2", raw.toString(), image.toString()))
                .contains("Images are identical");

        List<long[]> mapped = new ArrayList<>();
        for (JsonNode entry : Json.mapper().readTree(qemuImg("map", "--output=json", "-f", "qcow2",
                image.toString()))) {
            long start = entry.path("start").asLong();
            long end = start + entry.path("length").asLong();
            if (entry.path("data").asBoolean()) {
                if (!mapped.isEmpty() && mapped.getLast()[1] == start) {
                    mapped.getLast()[1] = end;
                } else {
                    mapped.add(new long[] {start, end});
                }
            } else if (end > start) { // an empty disk maps as one empty entry
                assertThat(entry.path("zero").asBoolean()).as("a hole at " + start + " reads as zeros").isTrue();
            }
        }
        assertThat(mapped).as("data where the map has extents, holes elsewhere").containsExactlyElementsOf(data);

        qemuImg("bitmap", "--add", "--enable", image.toString(), "checkpoint-1");
        assertThat(qemuImg("check", "-f", "qcow2", image.toString())).contains("No errors were found");
        JsonNode bitmaps = Json.mapper().readTree(qemuImg("info", "--output=json", image.toString()))
                .path("format-specific").path("data").path("bitmaps");
        // QEMU 7.2 drops a bitmap of an empty disk on close ("Lost persistent bitmaps ... No memory"), its own
        // images' too: a bitmap of no bits has nothing to store
        assertThat(bitmaps.findValuesAsText("name"))
                .isEqualTo(virtualSize == 0 ? List.of() : List.of("checkpoint-1"));
    }

    private static String qemuImg(String... arguments) {
        List<String> command = new ArrayList<>(List.of("qemu-img"));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("qemu-img does not run (the tests need qemu-utils): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] bytes, int at, int length) {
            count += length;
        }
    }
}
