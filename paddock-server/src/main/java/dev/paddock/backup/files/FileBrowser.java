package dev.paddock.backup.files;

import dev.paddock.backup.DiskReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Browses the files of a restore point's disk without restoring it: no root, no mount, no helper VM, only the
 * chunks each read needs (through {@link DiskReader}). Opening reads the partition table (GPT, MBR with logical
 * partitions, or none: the whole disk is partition 0) and looks at each partition's first sectors; FAT12/16/32 and
 * ext2/3/4 are browsable, anything else is listed with a sentence saying what was found and why it is refused.
 *
 * <p>Paths are {@code /}-separated from the file system's root; empty and {@code .} components are ignored and
 * {@code ..} is refused. Symbolic links are shown with their target and never followed, so a walk cannot loop and
 * never leaves the file system. Every refusal is a {@link FileRestoreException} whose message names the path and
 * the partition; a missing or corrupt chunk of the repository is its {@link dev.paddock.backup.RepositoryException},
 * naming the chunk. A browser may be shared by threads.
 */
public final class FileBrowser {

    private final DiskReader disk;
    private final List<Partition> partitions;
    private final Map<Integer, FileSystem> systems;

    private FileBrowser(DiskReader disk, List<Partition> partitions, Map<Integer, FileSystem> systems) {
        this.disk = disk;
        this.partitions = List.copyOf(partitions);
        this.systems = Map.copyOf(systems);
    }

    /**
     * Reads the disk's partition table and identifies what each partition holds.
     *
     * @throws FileRestoreException.Corrupt when the partition table is not readable (a GPT whose headers both fail
     *         their checksum, a chain of logical partitions that loops)
     */
    public static FileBrowser open(DiskReader disk) {
        Region whole = Region.whole(disk);
        List<Partition> partitions = new ArrayList<>();
        Map<Integer, FileSystem> systems = new HashMap<>();
        for (PartitionTable.Slot slot : PartitionTable.read(whole)) {
            String where = slot.number() == 0 ? "disk " + disk.disk() : "partition " + slot.number();
            if (!whole.inside(slot.offset(), slot.length())) {
                partitions.add(partition(slot, "unknown", Optional.of(where + " runs past the end of the disk (bytes "
                        + slot.offset() + " to " + (slot.offset() + slot.length()) + " of " + disk.size() + ")")));
                continue;
            }
            Region region = whole.slice(slot.offset(), slot.length(), where);
            Magic.Found found = Magic.identify(region);
            String readable = "Paddock restores files from FAT12, FAT16, FAT32, ext2, ext3 and ext4 file systems";
            switch (found.kind()) {
                case FAT, EXT -> {
                    try {
                        FileSystem system = found.kind() == Magic.Kind.FAT ? FatFileSystem.open(region)
                                : ExtFileSystem.open(region);
                        systems.put(slot.number(), system);
                        partitions.add(partition(slot, system.name(), Optional.empty()));
                    } catch (FileRestoreException e) {
                        partitions.add(partition(slot, found.name(), Optional.of(e.getMessage())));
                    }
                }
                case FOREIGN -> partitions.add(partition(slot, found.name(), Optional.of(where + " holds "
                        + found.name() + ": " + readable)));
                case UNKNOWN -> partitions.add(partition(slot, found.name(), Optional.of(where
                        + " holds no file system Paddock recognises: " + readable)));
            }
        }
        return new FileBrowser(disk, partitions, systems);
    }

    private static Partition partition(PartitionTable.Slot slot, String fileSystem, Optional<String> refusal) {
        return new Partition(slot.number(), slot.offset(), slot.length(), slot.type(), slot.label(), fileSystem,
                refusal);
    }

    /** The disk's partitions in table order; a disk without a table has one, numbered 0. */
    public List<Partition> partitions() {
        return partitions;
    }

    /** The entry a path names; {@code "/"} is the root directory (with an empty name). */
    public FileEntry entry(int partition, String path) {
        return walk(partition, path).entry();
    }

    /**
     * The names in a directory, sorted by name, each with its type, size, time, mode and link target.
     *
     * @throws FileRestoreException.WrongType when the path names a file or a symbolic link
     */
    public List<FileEntry> list(int partition, String path) {
        FileSystem.Node node = walk(partition, path);
        requireDirectory(node, display(path));
        return systems.get(partition).children(node, display(path)).stream()
                .map(FileSystem.Node::entry)
                .sorted(Comparator.comparing(FileEntry::name))
                .toList();
    }

    /**
     * Writes a regular file's content to {@code out} as it was in the restore point (holes as zeros) and answers
     * its size. {@code out} is neither flushed nor closed.
     *
     * @throws FileRestoreException.WrongType when the path names a directory, a symbolic link or a device
     */
    public long extract(int partition, String path, OutputStream out) {
        FileSystem.Node node = walk(partition, path);
        String shown = display(path);
        switch (node.entry().type()) {
            case FILE -> {
                try {
                    systems.get(partition).copy(node, shown, out);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + shown + " out", e);
                }
                return node.entry().size();
            }
            case DIRECTORY -> throw new FileRestoreException.WrongType(shown + " on " + where(partition)
                    + " is a directory, not a file");
            case SYMLINK -> throw new FileRestoreException.WrongType(shown + " on " + where(partition)
                    + " is a symbolic link to " + node.entry().target().orElse("") + ", not a file");
            default -> throw new FileRestoreException.WrongType(shown + " on " + where(partition)
                    + " is a device, a FIFO or a socket: it has no content to restore");
        }
    }

    private FileSystem.Node walk(int partition, String path) {
        FileSystem system = system(partition);
        FileSystem.Node node = system.root();
        String at = "/";
        for (String name : components(path)) {
            requireDirectory(node, at);
            String next = at.equals("/") ? "/" + name : at + "/" + name;
            node = system.child(node, name, at).orElseThrow(() -> new FileRestoreException.NoSuchPath(
                    "there is no " + next + " on " + where(partition)));
            at = next;
        }
        return node;
    }

    private void requireDirectory(FileSystem.Node node, String path) {
        switch (node.entry().type()) {
            case DIRECTORY -> { }
            case SYMLINK -> throw new FileRestoreException.WrongType(path + " is a symbolic link to "
                    + node.entry().target().orElse("") + ", not a directory: links are not followed, ask for the"
                    + " path it points to");
            default -> throw new FileRestoreException.WrongType(path + " is not a directory");
        }
    }

    private FileSystem system(int partition) {
        FileSystem system = systems.get(partition);
        if (system != null) {
            return system;
        }
        Partition known = partitions.stream().filter(p -> p.number() == partition).findFirst()
                .orElseThrow(() -> new FileRestoreException.NoSuchPath("disk " + disk.disk() + " of restore point "
                        + disk.point() + " has no partition " + partition));
        throw new FileRestoreException.Unsupported(known.refusal().orElseThrow());
    }

    private String where(int partition) {
        return (partition == 0 ? "disk " + disk.disk() : "partition " + partition + " of disk " + disk.disk())
                + " of restore point " + disk.point();
    }

    private static String display(String path) {
        return "/" + String.join("/", components(path));
    }

    /** A path's names; {@code ..} is refused, so a path never climbs out of where it says. */
    static List<String> components(String path) {
        if (path.indexOf('\0') >= 0) {
            throw new FileRestoreException.BadPath("a path holds no NUL character");
        }
        List<String> names = new ArrayList<>();
        for (String name : path.split("/")) {
            if (name.equals("..")) {
                throw new FileRestoreException.BadPath("path " + path + " climbs with '..': give the path from the"
                        + " file system's root");
            }
            if (!name.isEmpty() && !name.equals(".")) {
                names.add(name);
            }
        }
        return names;
    }
}
