package dev.paddock.backup.files;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * A read-only file system on a partition, as {@link FileBrowser} walks it: a root, the names in a directory, one name
 * looked up, a file's content. {@code path} arguments only name the node in sentences; walking is the browser's.
 */
sealed interface FileSystem permits FatFileSystem, ExtFileSystem {

    /** What it is, as a user is told: {@code fat12}, {@code fat16}, {@code fat32}, {@code ext2}, {@code ext3}… */
    String name();

    Node root();

    /** Every name in a directory but {@code .} and {@code ..}, in the directory's order. */
    List<Node> children(Node directory, String path);

    /** One name in a directory; FAT matches names as Windows does, without regard to case. */
    Optional<Node> child(Node directory, String name, String path);

    /** Writes a file's content, holes as zeros. */
    void copy(Node file, String path, OutputStream out) throws IOException;

    /** A name and where its file system keeps it: a FAT first cluster, an ext inode number. */
    record Node(FileEntry entry, long handle) {}
}
