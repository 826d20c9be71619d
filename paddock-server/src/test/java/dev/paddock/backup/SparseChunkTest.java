package dev.paddock.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Chunks of format 2: their zero blocks left out of the name and of the file, every byte given back. */
class SparseChunkTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {4096, 5000, 65536, 1 << 20, (1 << 20) - 1})
    void a_chunk_with_zero_blocks_here_and_there_reads_back_whole(int length) throws Exception {
        byte[] content = new byte[length];
        Random random = new Random(length);
        for (int block = 0; block * 4096 < length; block++) {
            if (random.nextInt(3) == 0) {
                int from = block * 4096;
                // data at one byte of the block only: the block is not zeros
                content[from + random.nextInt(Math.min(4096, length - from))] = (byte) (1 + random.nextInt(255));
            }
        }
        content[length - 1] = 7;
        for (boolean encrypted : new boolean[] {false, true}) {
            ChunkCodec codec = ChunkCodec.of(encrypted ? Optional.of(RepositoryKey.generate()) : Optional.empty(), 2);
            String name = codec.name(content, length);
            byte[] stored = codec.encode(name, content, length);
            assertThat(codec.decode(name, stored)).isEqualTo(content);
            if (!encrypted) {
                assertThat(name).isEqualTo(BackupRepositoryTest.sparseDigest(content));
            }
        }
    }

    /** Compressible, incompressible, with and without zero blocks, a chunk shorter than the buffers. */
    @ParameterizedTest
    @ValueSource(strings = {"text", "random", "random-with-holes", "text-with-holes", "short"})
    void a_chunk_encoded_into_reused_buffers_decodes_to_its_content_as_the_allocated_encoding_does(String kind)
            throws Exception {
        int size = 1 << 20;
        int length = kind.equals("short") ? size - 5000 : size;
        Random random = new Random(kind.hashCode());
        byte[] content = new byte[size];
        for (int at = 0; at < length; at++) {
            content[at] = kind.startsWith("text") || kind.equals("short") ? (byte) ('a' + random.nextInt(4))
                    : (byte) random.nextInt();
        }
        if (kind.endsWith("with-holes")) {
            for (int block = 0; block < length / 4096; block += 3) {
                Arrays.fill(content, block * 4096, block * 4096 + 4096, (byte) 0);
            }
        }
        byte[] into = new byte[ChunkCodec.encodedBound(size)];
        byte[] gather = new byte[size];
        // the buffers hold an earlier chunk's bytes: nothing of them may leak into this one
        Arrays.fill(into, (byte) 0x5a);
        Arrays.fill(gather, (byte) 0x5a);
        for (boolean encrypted : new boolean[] {false, true}) {
            ChunkCodec codec = ChunkCodec.of(encrypted ? Optional.of(RepositoryKey.generate()) : Optional.empty(), 2);
            SparseChunk chunk = SparseChunk.of(content, length);
            String name = codec.name(chunk);
            int written = codec.encodeInto(name, chunk, into, gather);
            byte[] stored = Arrays.copyOf(into, written);
            assertThat(codec.decode(name, stored)).isEqualTo(Arrays.copyOf(content, length));
            if (!encrypted) {
                assertThat(stored).isEqualTo(codec.encode(name, chunk));
            }
        }
    }

    @Test
    void chunks_that_differ_only_in_where_their_data_lies_have_different_names() {
        ChunkCodec codec = ChunkCodec.of(Optional.empty(), 2);
        byte[] first = new byte[16384];
        byte[] second = new byte[16384];
        Arrays.fill(first, 0, 4096, (byte) 1);
        Arrays.fill(second, 4096, 8192, (byte) 1);
        assertThat(codec.name(first, first.length)).isNotEqualTo(codec.name(second, second.length));
        assertThat(codec.name(first, 8192)).isNotEqualTo(codec.name(first, first.length));
    }

    @Test
    void a_stored_sparse_chunk_holds_about_its_data_not_its_zeros() {
        ChunkCodec codec = ChunkCodec.of(Optional.empty(), 2);
        byte[] content = new byte[1 << 20];
        byte[] data = new byte[64 << 10];
        new Random(1).nextBytes(data);
        System.arraycopy(data, 0, content, 512 << 10, data.length);
        String name = codec.name(content, content.length);
        assertThat(codec.encode(name, content, content.length).length).isBetween(data.length, data.length + 256);
    }

    @Test
    void a_repository_of_format_1_is_still_read_and_written() {
        BackupRepository old = BackupRepository.create(dir.resolve("old"), 64 << 10, Optional.empty(), 1);
        byte[] image = new byte[300 << 10];
        new Random(2).nextBytes(image);
        RestorePoint point;
        try (PointWriter writer = old.begin("vm", "{}", java.time.Instant.parse("2026-12-07T00:00:00Z"),
                Optional.empty())) {
            writer.writeDisk("vda", new ByteArrayInputStream(image));
            point = writer.commit();
        }
        BackupRepository reopened = BackupRepository.open(dir.resolve("old"), Optional.empty());
        assertThat(Images.read(reopened, point.id(), "vda")).isEqualTo(image);
        assertThat(reopened.verify().clean()).isTrue();
    }
}
