package dev.paddock.backup.files;

import static dev.paddock.backup.files.DiskImages.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.paddock.backup.BackupRepository;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitioned disks laid out by the test (MBR with an extended partition, GPT), each partition filled with an image
 * the real tools made or with the signature of a format Paddock refuses.
 */
class PartitionTableTest {

    private static final long SECTORS_PER_MIB = MIB / DiskImages.SECTOR;

    @TempDir
    Path dir;

    private Path tree;
    private BackupRepository repository;

    @BeforeEach
    void setUp() throws IOException {
        tree = Files.createDirectories(dir.resolve("tree"));
        Files.createDirectories(tree.resolve("etc"));
        Files.writeString(tree.resolve("etc/hostname"), "web-1\n");
        Files.write(tree.resolve("data.bin"), DiskImages.random(7, 300_000));
        repository = BackupRepository.create(dir.resolve("repo"), 64 << 10, Optional.empty());
    }

    @Test
    void an_mbr_disk_shows_primary_and_logical_partitions_with_what_each_holds() throws IOException {
        Path fat = DiskImages.fat(dir, "fat.img", 16, 16 * MIB, tree);
        Path ext4 = DiskImages.ext(dir, "ext4.img", "ext4", List.of(), List.of(), 8 * MIB, tree);
        Path ext2 = DiskImages.ext(dir, "ext2.img", "ext2", List.of(), List.of(), 4 * MIB, tree);
        Path xfs = signature(0, "XFSB");
        Path disk = DiskImages.mbr(dir.resolve("disk.img"), 64 * MIB,
                List.of(part(1, 16, 0x06, fat), part(17, 8, 0x83, ext4)),
                List.of(part(30, 4, 0x83, ext2), part(40, 1, 0x83, xfs)));

        FileBrowser browser = DiskImages.browse(repository, disk);

        assertThat(browser.partitions()).extracting(Partition::number, Partition::type, Partition::fileSystem)
                .containsExactly(
                        tuple(1, "FAT16", "fat16"),
                        tuple(2, "Linux", "ext4"),
                        tuple(5, "Linux", "ext2"),
                        tuple(6, "Linux", "xfs"));
        assertThat(browser.partitions().get(2).offset()).isEqualTo(30 * MIB);
        assertThat(browser.partitions().get(3).refusal()).hasValueSatisfying(refusal -> assertThat(refusal)
                .startsWith("partition 6 holds xfs: Paddock restores files from FAT12, FAT16, FAT32, ext2"));
        for (int partition : new int[] {1, 2, 5}) {
            assertThat(DiskImages.extract(browser, partition, "/etc/hostname")).asString().isEqualTo("web-1\n");
            assertThat(DiskImages.extract(browser, partition, "/data.bin"))
                    .isEqualTo(Files.readAllBytes(tree.resolve("data.bin")));
        }
        assertThatThrownBy(() -> browser.list(6, "/"))
                .isInstanceOf(FileRestoreException.Unsupported.class).hasMessageContaining("holds xfs");
    }

    @Test
    void a_gpt_disk_names_its_partitions_types_and_labels_and_refuses_what_it_cannot_read() throws IOException {
        Path fat = DiskImages.fat(dir, "fat.img", 32, 40 * MIB, tree);
        Path ext4 = DiskImages.ext(dir, "ext4.img", "ext4", List.of(), List.of(), 8 * MIB, tree);
        Path swap = DiskImages.sized(dir.resolve("swap.img"), MIB);
        Tools.run("mkswap", swap.toString());
        Path disk = DiskImages.gpt(dir.resolve("disk.img"), 64 * MIB, List.of(
                gpt(1, 40, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI", Optional.of(fat)),
                gpt(41, 8, "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "root", Optional.of(ext4)),
                gpt(49, 1, "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", "windows", Optional.of(signature(3, "NTFS    "))),
                gpt(50, 1, "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "swap", Optional.of(swap)),
                gpt(51, 1, "E6D6D379-F507-44C2-A23C-238F2A3DF928", "pv", Optional.of(signature(512, "LABELONE"))),
                gpt(52, 1, "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "blank", Optional.empty())));

        List<Partition> partitions = FileBrowser.open(repository.reader(DiskImages.backup(repository, disk).id(),
                "vda")).partitions();

        assertThat(partitions).extracting(Partition::number).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(partitions).extracting(Partition::type).containsExactly("EFI system", "Linux filesystem",
                "Microsoft basic data", "Linux swap", "Linux LVM", "Linux filesystem");
        assertThat(partitions).extracting(p -> p.label().orElse("")).containsExactly("EFI", "root", "windows",
                "swap", "pv", "blank");
        assertThat(partitions).extracting(Partition::fileSystem).containsExactly("fat32", "ext4", "NTFS",
                "Linux swap", "LVM physical volume", "unknown");
        assertThat(partitions).extracting(Partition::browsable).containsExactly(true, true, false, false, false,
                false);
        assertThat(partitions.get(5).refusal()).hasValue("partition 6 holds no file system Paddock recognises:"
                + " Paddock restores files from FAT12, FAT16, FAT32, ext2, ext3 and ext4 file systems");
        FileBrowser browser = FileBrowser.open(repository.reader(repository.points().getFirst().id(), "vda"));
        assertThat(DiskImages.extract(browser, 1, "/etc/hostname")).asString().isEqualTo("web-1\n");
        assertThat(DiskImages.extract(browser, 2, "/etc/hostname")).asString().isEqualTo("web-1\n");
    }

    @Test
    void a_gpt_whose_primary_header_is_damaged_is_read_from_its_backup_header() throws IOException {
        Path ext4 = DiskImages.ext(dir, "ext4.img", "ext4", List.of(), List.of(), 8 * MIB, tree);
        Path disk = DiskImages.gpt(dir.resolve("disk.img"), 32 * MIB, List.of(
                gpt(1, 8, "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "root", Optional.of(ext4))));
        DiskImages.write(disk, DiskImages.SECTOR + 60, new byte[] {0x42}); // inside the disk GUID: the CRC fails

        FileBrowser browser = DiskImages.browse(repository, disk);

        assertThat(browser.partitions()).extracting(Partition::label).containsExactly(Optional.of("root"));
        assertThat(DiskImages.extract(browser, 1, "/etc/hostname")).asString().isEqualTo("web-1\n");
    }

    @Test
    void a_chain_of_logical_partitions_that_loops_is_refused() throws IOException {
        Path ext2 = DiskImages.ext(dir, "ext2.img", "ext2", List.of(), List.of(), 4 * MIB, tree);
        Path disk = DiskImages.mbr(dir.resolve("disk.img"), 16 * MIB, List.of(),
                List.of(part(2, 4, 0x83, ext2), part(8, 4, 0x83, ext2)));
        long extendedStart = 2 * SECTORS_PER_MIB - 1;
        long secondRecord = 8 * SECTORS_PER_MIB - 1;
        // the second record's link to the next one points at itself
        ByteBuffer link = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        link.putInt(0, (int) (secondRecord - extendedStart));
        DiskImages.write(disk, secondRecord * DiskImages.SECTOR + 462, new byte[] {0, 0, 0, 0, 0x05});
        DiskImages.write(disk, secondRecord * DiskImages.SECTOR + 462 + 8, link.array());

        assertThatThrownBy(() -> DiskImages.browse(repository, disk))
                .isInstanceOf(FileRestoreException.Corrupt.class)
                .hasMessageContaining("chain of logical partitions").hasMessageContaining("loops");
    }

    @Test
    void a_disk_without_a_table_or_a_known_file_system_is_one_refused_whole() throws IOException {
        Path disk = Files.write(dir.resolve("disk.img"), DiskImages.random(3, 4 << 20));

        List<Partition> partitions = DiskImages.browse(repository, disk).partitions();

        assertThat(partitions).singleElement().satisfies(whole -> {
            assertThat(whole.number()).isZero();
            assertThat(whole.type()).isEqualTo("whole disk (no partition table)");
            assertThat(whole.refusal()).hasValueSatisfying(refusal -> assertThat(refusal)
                    .startsWith("disk vda holds no file system Paddock recognises"));
        });
    }

    private static DiskImages.Part part(long startMib, long mebibytes, int type, Path content) {
        return new DiskImages.Part(startMib * SECTORS_PER_MIB, mebibytes * SECTORS_PER_MIB, type, "", "",
                Optional.of(content));
    }

    private static DiskImages.Part gpt(long startMib, long mebibytes, String type, String label,
                                       Optional<Path> content) {
        return new DiskImages.Part(startMib * SECTORS_PER_MIB, mebibytes * SECTORS_PER_MIB, 0, type, label, content);
    }

    /** One MiB of zeros with {@code text} at {@code offset}: what a format's first sectors show of it. */
    private Path signature(int offset, String text) throws IOException {
        byte[] image = new byte[1 << 20];
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(bytes, 0, image, offset, bytes.length);
        return Files.write(dir.resolve(text.strip() + ".img"), image);
    }
}
