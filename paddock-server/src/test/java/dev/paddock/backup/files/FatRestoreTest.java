package dev.paddock.backup.files;

import static dev.paddock.backup.files.DiskImages.MIB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.backup.BackupRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** FAT images made by mkfs.vfat and filled by mcopy, browsed through a restore point. */
class FatRestoreTest {

    @TempDir
    Path dir;

    private BackupRepository repository() {
        return BackupRepository.create(dir.resolve("repo"), 64 << 10, Optional.empty());
    }

    @ParameterizedTest(name = "FAT{0} on {1} MiB")
    @CsvSource({"12, 16", "16, 32", "32, 64"})
    void every_file_lists_with_its_long_name_and_extracts_as_written(int bits, int mebibytes) throws IOException {
        Path tree = DiskImages.commonTree(dir.resolve("tree"));
        Path image = DiskImages.fat(dir, "fat.img", bits, mebibytes * MIB, tree);

        FileBrowser browser = DiskImages.browse(repository(), image);

        assertThat(browser.partitions()).singleElement().satisfies(partition -> {
            assertThat(partition.number()).isZero();
            assertThat(partition.fileSystem()).isEqualTo("fat" + bits);
            assertThat(partition.browsable()).isTrue();
        });
        List<FileEntry> root = browser.list(0, "/");
        assertThat(root).extracting(FileEntry::name).containsExactly("A long file name with spaces.txt", "a",
                "big.bin", "empty", "lower.txt", "Ünïcödé näme.txt");
        assertThat(root).filteredOn(entry -> entry.name().equals("a")).singleElement()
                .satisfies(entry -> assertThat(entry.type()).isEqualTo(FileEntry.Type.DIRECTORY));
        FileEntry lower = browser.entry(0, "/lower.txt");
        assertThat(lower.modified()).contains(DiskImages.FILE_TIME);
        assertThat(lower.mode()).isEmpty();
        assertThat(browser.entry(0, "big.bin").size()).isEqualTo(10 << 20);

        for (String file : List.of("big.bin", "a/b/c/d/e/deep.txt", "empty", "A long file name with spaces.txt",
                "Ünïcödé näme.txt", "lower.txt")) {
            assertThat(DiskImages.sha256(DiskImages.extract(browser, 0, "/" + file)))
                    .as(file).isEqualTo(DiskImages.sha256(tree.resolve(file)));
        }
    }

    @Test
    void names_match_without_regard_to_case_and_by_their_short_form_as_windows_matches_them() throws IOException {
        Path tree = DiskImages.commonTree(dir.resolve("tree"));
        FileBrowser browser = DiskImages.browse(repository(), DiskImages.fat(dir, "fat.img", 16, 32 * MIB, tree));

        assertThat(DiskImages.extract(browser, 0, "/A/B/C/D/E/DEEP.TXT"))
                .isEqualTo(Files.readAllBytes(tree.resolve("a/b/c/d/e/deep.txt")));
        assertThat(DiskImages.extract(browser, 0, "/ALONGF~1.TXT"))
                .isEqualTo(Files.readAllBytes(tree.resolve("A long file name with spaces.txt")));
    }

    @Test
    void a_fragmented_file_is_followed_through_its_chain() throws IOException {
        Path image = DiskImages.sized(dir.resolve("fat.img"), 32 * MIB);
        Tools.run("mkfs.vfat", "-F", "16", image.toString());
        Path before = Files.write(dir.resolve("before"), DiskImages.random(1, 300_000));
        Path gap = Files.write(dir.resolve("gap"), DiskImages.random(2, 100_000));
        Path after = Files.write(dir.resolve("after"), DiskImages.random(3, 300_000));
        Path split = Files.write(dir.resolve("split"), DiskImages.random(4, 500_000));
        Tools.run("mcopy", "-i", image.toString(), before.toString(), gap.toString(), after.toString(), "::/");
        Tools.run("mdel", "-i", image.toString(), "::/gap");
        Tools.run("mcopy", "-i", image.toString(), split.toString(), "::/"); // fills the gap, then goes on after
        List<Integer> chain = DiskImages.Fat16.of(image).chain(image, "SPLIT      ");
        assertThat(runs(chain)).as("runs of consecutive clusters in " + chain).isGreaterThan(1);

        FileBrowser browser = DiskImages.browse(repository(), image);

        assertThat(DiskImages.extract(browser, 0, "/split")).isEqualTo(Files.readAllBytes(split));
        assertThat(DiskImages.extract(browser, 0, "/after")).isEqualTo(Files.readAllBytes(after));
    }

    private static int runs(List<Integer> chain) {
        int runs = 1;
        for (int i = 1; i < chain.size(); i++) {
            runs += chain.get(i) == chain.get(i - 1) + 1 ? 0 : 1;
        }
        return runs;
    }
}
