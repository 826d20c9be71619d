package dev.paddock.backup.files;

import static dev.paddock.backup.files.DiskImages.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.backup.BackupRepository;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ext2, ext3 and ext4 images made by mke2fs from a tree the test writes, browsed through a restore point. */
class ExtRestoreTest {

    @TempDir
    Path dir;

    static Stream<Arguments> layouts() {
        return Stream.of(
                Arguments.of("ext4 with 1 KiB blocks", "ext4", List.of("-b", "1024"), List.of(), "ext4"),
                Arguments.of("ext4 with 4 KiB blocks", "ext4", List.of("-b", "4096"), List.of(), "ext4"),
                Arguments.of("ext4 without extents (indirect blocks)", "ext4", List.of("-b", "4096"),
                        List.of("^extent", "^64bit"), "ext4"),
                Arguments.of("ext4 with meta_bg", "ext4", List.of("-b", "1024"),
                        List.of("meta_bg", "^resize_inode"), "ext4"),
                Arguments.of("ext3", "ext3", List.of("-b", "1024"), List.of(), "ext3"),
                Arguments.of("ext2", "ext2", List.of("-b", "4096"), List.of(), "ext2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void every_file_lists_with_its_metadata_and_extracts_as_written(String layout, String type, List<String> options,
                                                                    List<String> features, String expected)
            throws IOException {
        Path tree = DiskImages.extTree(dir.resolve("tree"));
        Path image = ext(type, options, features, tree);
        assertThat(Tools.run("debugfs", "-R", "htree /many", image.toString()))
                .as("e2fsck -D made /many an htree").doesNotContain("Not a hash-indexed directory");
        assertThat(Tools.run("debugfs", "-R", "stat /big.bin", image.toString()))
                .contains(type.equals("ext4") && !features.contains("^extent") ? "EXTENTS:" : "BLOCKS:");

        FileBrowser browser = DiskImages.browse(repository(1 << 20), image);

        assertThat(browser.partitions()).singleElement().satisfies(partition -> {
            assertThat(partition.fileSystem()).isEqualTo(expected);
            assertThat(partition.refusal()).isEmpty();
        });
        assertThat(browser.list(0, "/")).extracting(FileEntry::name).containsExactly(
                "A long file name with spaces.txt", "a", "big.bin", "empty", "far-link", "fifo", "link",
                "lost+found", "lower.txt", "many", "secret", "sparse", "Ünïcödé näme.txt");
        assertThat(browser.entry(0, "/link")).satisfies(link -> {
            assertThat(link.type()).isEqualTo(FileEntry.Type.SYMLINK);
            assertThat(link.target()).contains("a/b/c");
        });
        assertThat(browser.entry(0, "/far-link").target()).contains(Files.readSymbolicLink(tree.resolve("far-link"))
                .toString());
        assertThat(browser.entry(0, "/fifo").type()).isEqualTo(FileEntry.Type.OTHER);
        assertThat(browser.entry(0, "/secret").mode()).contains(0640);
        assertThat(browser.entry(0, "/lower.txt").modified()).contains(DiskImages.FILE_TIME);
        assertThat(browser.entry(0, "/a/b").type()).isEqualTo(FileEntry.Type.DIRECTORY);

        List<FileEntry> many = browser.list(0, "/many");
        assertThat(many).hasSize(2000);
        assertThat(many).extracting(FileEntry::name).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 2000).mapToObj(i -> "file-" + i + ".txt").toList());
        assertThat(new String(DiskImages.extract(browser, 0, "/many/file-1234.txt"))).isEqualTo("entry 1234\n");

        for (String file : List.of("big.bin", "sparse", "empty", "a/b/c/d/e/deep.txt", "Ünïcödé näme.txt")) {
            assertThat(DiskImages.sha256(DiskImages.extract(browser, 0, "/" + file)))
                    .as(file).isEqualTo(DiskImages.sha256(tree.resolve(file)));
        }
    }

    @Test
    void a_file_reads_the_same_through_4_mib_chunks() throws IOException {
        Path tree = DiskImages.extTree(dir.resolve("tree"));
        Path image = ext("ext4", List.of("-b", "4096"), List.of(), tree);

        FileBrowser browser = DiskImages.browse(repository(BackupRepository.DEFAULT_CHUNK_SIZE), image);

        assertThat(DiskImages.sha256(DiskImages.extract(browser, 0, "/big.bin")))
                .isEqualTo(DiskImages.sha256(tree.resolve("big.bin")));
        assertThat(DiskImages.extract(browser, 0, "/sparse")).isEqualTo(Files.readAllBytes(tree.resolve("sparse")));
    }

    @Test
    void paths_that_name_nothing_or_the_wrong_kind_of_thing_are_refused_with_the_path() throws IOException {
        Path tree = DiskImages.extTree(dir.resolve("tree"));
        FileBrowser browser = DiskImages.browse(repository(64 << 10), ext("ext4", List.of(), List.of(), tree));

        assertThatThrownBy(() -> browser.list(0, "/big.bin"))
                .isInstanceOf(FileRestoreException.WrongType.class).hasMessageContaining("/big.bin");
        assertThatThrownBy(() -> browser.extract(0, "/a/b", new ByteArrayOutputStream()))
                .isInstanceOf(FileRestoreException.WrongType.class).hasMessageContaining("/a/b on disk vda")
                .hasMessageEndingWith("is a directory, not a file");
        assertThatThrownBy(() -> browser.extract(0, "/link", new ByteArrayOutputStream()))
                .isInstanceOf(FileRestoreException.WrongType.class).hasMessageContaining("symbolic link to a/b/c");
        assertThatThrownBy(() -> browser.list(0, "/link/d"))
                .isInstanceOf(FileRestoreException.WrongType.class).hasMessageContaining("/link is a symbolic link");
        assertThatThrownBy(() -> browser.entry(0, "/a/nothing/here"))
                .isInstanceOf(FileRestoreException.NoSuchPath.class).hasMessageContaining("/a/nothing");
        assertThatThrownBy(() -> browser.entry(0, "/a/../../etc/passwd"))
                .isInstanceOf(FileRestoreException.BadPath.class).hasMessageContaining("'..'");
        assertThatThrownBy(() -> browser.list(3, "/"))
                .isInstanceOf(FileRestoreException.NoSuchPath.class).hasMessageContaining("no partition 3");
        assertThat(browser.list(0, "//a/./b/")).extracting(FileEntry::name).containsExactly("c");
    }

    @Test
    void inline_data_is_refused_with_a_sentence_naming_the_file() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.writeString(tree.resolve("small.txt"), "a few bytes fit in the inode\n");
        FileBrowser browser = DiskImages.browse(repository(64 << 10),
                ext("ext4", List.of("-I", "256"), List.of("inline_data"), tree));

        assertThat(browser.list(0, "/")).extracting(FileEntry::name).contains("small.txt");
        assertThatThrownBy(() -> browser.extract(0, "/small.txt", new ByteArrayOutputStream()))
                .isInstanceOf(FileRestoreException.Unsupported.class)
                .hasMessageContaining("/small.txt keeps its data inside its inode (ext4 inline_data)");
    }

    private BackupRepository repository(int chunkSize) {
        return BackupRepository.create(dir.resolve("repo"), chunkSize, Optional.empty());
    }

    private Path ext(String type, List<String> options, List<String> features, Path tree) {
        return DiskImages.ext(dir, "ext.img", type, features, options, 64 * MIB, tree);
    }
}
