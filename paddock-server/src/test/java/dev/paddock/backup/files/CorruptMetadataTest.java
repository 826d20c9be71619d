package dev.paddock.backup.files;

import static dev.paddock.backup.files.DiskImages.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.backup.BackupRepository;
import dev.paddock.backup.Extent;
import dev.paddock.backup.RepositoryException;
import dev.paddock.backup.RestorePoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Images damaged on purpose, with debugfs or byte by byte: every damage is a sentence naming what is wrong, never an
 * endless walk, an out-of-memory error, or bytes of somewhere else.
 */
class CorruptMetadataTest {

    private static final int CHUNK = 64 << 10;

    @TempDir
    Path dir;

    private Path tree;
    private BackupRepository repository;

    @BeforeEach
    void setUp() throws IOException {
        tree = Files.createDirectories(dir.resolve("tree"));
        Files.write(tree.resolve("big.bin"), DiskImages.random(1, 10 << 20));
        Files.createDirectories(tree.resolve("a"));
        for (int i = 0; i < 20; i++) {
            Files.writeString(tree.resolve("a/file-" + i), "file " + i + "\n");
        }
        repository = BackupRepository.create(dir.resolve("repo"), CHUNK, Optional.empty());
    }

    @ParameterizedTest(name = "debugfs {0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "sif /big.bin block[0] 0            | the extent tree of /big.bin has a broken node (magic 0",
            "sif /big.bin block[5] 0x7fffffff   | an extent of /big.bin names blocks 2147483647 to",
            "sif /big.bin size 0x4000000000000  | /big.bin claims 1125899906842624 bytes, more than its block map can"})
    void a_damaged_inode_fails_its_extraction_with_a_sentence(String damage, String sentence) throws IOException {
        Path image = ext4();
        Tools.run("debugfs", "-w", "-R", damage, image.toString());

        FileBrowser browser = DiskImages.browse(repository, image);

        assertThat(browser.list(0, "/")).extracting(FileEntry::name).contains("big.bin");
        assertThatThrownBy(() -> browser.extract(0, "/big.bin", new ByteArrayOutputStream()))
                .isInstanceOf(FileRestoreException.Corrupt.class).hasMessageStartingWith(sentence);
    }

    @Test
    void a_directory_entry_of_length_zero_is_a_broken_entry_not_an_endless_scan() throws IOException {
        Path image = ext4();
        long block = Long.parseLong(Tools.run("debugfs", "-R", "bmap /a 0", image.toString()).lines()
                .filter(line -> line.matches("\\d+")).findFirst().orElseThrow());
        DiskImages.write(image, block * 4096 + 4, new byte[] {0, 0}); // the rec_len of "."

        FileBrowser browser = DiskImages.browse(repository, image);

        assertThatThrownBy(() -> browser.list(0, "/a")).isInstanceOf(FileRestoreException.Corrupt.class)
                .hasMessage("directory /a has a broken entry at byte 0 of one of its blocks");
    }

    @Test
    void a_superblock_with_an_impossible_block_size_makes_its_partition_refused() throws IOException {
        Path image = ext4();
        Tools.run("debugfs", "-w", "-R", "ssv log_block_size 9", image.toString());

        FileBrowser browser = DiskImages.browse(repository, image);

        assertThat(browser.partitions().getFirst().refusal()).hasValue("the ext file system on disk vda is corrupt:"
                + " its block size is 2^(10+9)");
        assertThatThrownBy(() -> browser.list(0, "/")).isInstanceOf(FileRestoreException.Unsupported.class)
                .hasMessageContaining("block size");
    }

    @Test
    void an_inode_number_past_the_inode_count_is_named() throws IOException {
        Path image = ext4();
        Tools.run("debugfs", "-w", "-R", "ssv inodes_count 11", image.toString());

        FileBrowser browser = DiskImages.browse(repository, image);

        assertThatThrownBy(() -> browser.list(0, "/")).isInstanceOf(FileRestoreException.Corrupt.class)
                .hasMessageMatching("/\\S+ names inode \\d+, outside the file system's 11");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a loop back to its first cluster | 2 | first | loops: it comes back to cluster",
            "a cluster past the last one     | 1 | 65520 | reaches cluster 65520, outside the file system",
            "an early end of chain           | 1 | 65535 | ends before its size says it does",
            "a free cluster                  | 1 | 0     | reaches a free cluster"})
    void a_damaged_fat_chain_fails_the_extraction_with_a_sentence(String damage, int at, String value,
                                                                  String sentence) throws IOException {
        Path image = DiskImages.fat(dir, "fat.img", 16, 32 * MIB, tree);
        DiskImages.Fat16 fat = DiskImages.Fat16.of(image);
        List<Integer> chain = fat.chain(image, "BIG     BIN");
        fat.setEntry(image, chain.get(at), value.equals("first") ? chain.getFirst() : Integer.parseInt(value));

        FileBrowser browser = DiskImages.browse(repository, image);

        assertThatThrownBy(() -> browser.extract(0, "/big.bin", new ByteArrayOutputStream()))
                .isInstanceOf(FileRestoreException.Corrupt.class)
                .hasMessageStartingWith("the cluster chain of file /big.bin").hasMessageContaining(sentence);
    }

    @Test
    void a_directory_whose_cluster_chain_loops_is_refused_when_listed() throws IOException {
        Path image = DiskImages.fat(dir, "fat.img", 16, 32 * MIB, tree);
        DiskImages.Fat16 fat = DiskImages.Fat16.of(image);
        int first = fat.chain(image, "A          ").getFirst();
        fat.setEntry(image, first, first);

        FileBrowser browser = DiskImages.browse(repository, image);

        assertThatThrownBy(() -> browser.list(0, "/a")).isInstanceOf(FileRestoreException.Corrupt.class)
                .hasMessage("the cluster chain of directory /a loops: it comes back to cluster " + first);
    }

    @Test
    void a_corrupt_chunk_under_a_file_fails_its_extraction_naming_the_chunk() throws IOException {
        Path image = ext4();
        byte[] disk = Files.readAllBytes(image);
        byte[] middle = Arrays.copyOfRange(Files.readAllBytes(tree.resolve("big.bin")), 5 << 20, (5 << 20) + 64);
        long offset = find(disk, middle);
        RestorePoint point = DiskImages.backup(repository, image);
        Extent under = point.disk("vda").orElseThrow().extents().stream()
                .filter(extent -> extent.offset() == offset / CHUNK * CHUNK).findFirst().orElseThrow();
        Path chunk = repository.directory().resolve("chunks").resolve(under.chunk().substring(0, 2))
                .resolve(under.chunk());
        byte[] stored = Files.readAllBytes(chunk);
        stored[stored.length - 100] ^= 1;
        Files.write(chunk, stored);

        FileBrowser browser = FileBrowser.open(repository.reader(point.id(), "vda"));

        assertThat(browser.list(0, "/")).extracting(FileEntry::name).contains("big.bin", "a");
        assertThatThrownBy(() -> browser.extract(0, "/big.bin", new ByteArrayOutputStream()))
                .isInstanceOf(RepositoryException.CorruptChunk.class)
                .hasMessageStartingWith("chunk " + under.chunk() + " of restore point " + point.id()
                        + " (disk vda at offset " + under.offset() + ") is corrupt");
        assertThat(new String(DiskImages.extract(browser, 0, "/a/file-7"))).isEqualTo("file 7\n");
    }

    private Path ext4() {
        return DiskImages.ext(dir, "ext4.img", "ext4", List.of(), List.of("-b", "4096"), 32 * MIB, tree);
    }

    /** Where {@code wanted} starts in {@code disk}, looking at block boundaries (file data starts on one). */
    private static long find(byte[] disk, byte[] wanted) {
        for (int at = 0; at + wanted.length <= disk.length; at += 4096) {
            if (Arrays.equals(disk, at, at + wanted.length, wanted, 0, wanted.length)) {
                return at;
            }
        }
        throw new AssertionError("the bytes are nowhere on the disk");
    }
}
