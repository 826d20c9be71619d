package dev.paddock.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The chunk files of a repository: {@code chunks/ab/abcd…} (the first two hex digits fan the files out),
 * {@code trash/abcd…} for chunks a running prune has set aside, and {@code tmp/} where every file is written before
 * it is renamed into place, so a chunk file is either absent or whole. Because a name is a function of the content,
 * any two files of one name hold the same content, and moving one over another never loses anything.
 */
final class ChunkStore {

    private final Path chunks;
    private final Path trash;
    private final Path tmp;

    ChunkStore(Path root) {
        this.chunks = root.resolve("chunks");
        this.trash = root.resolve("trash");
        this.tmp = root.resolve("tmp");
    }

    Path path(String chunk) {
        return chunks.resolve(chunk.substring(0, 2)).resolve(chunk);
    }

    private Path trashPath(String chunk) {
        return trash.resolve(chunk);
    }

    boolean has(String chunk) {
        return Files.exists(path(chunk));
    }

    /**
     * Writes a chunk's stored bytes: temporary file named after the writer, fsync, rename. Answers the chunk's
     * directory, whose entry the caller fsyncs before it relies on the name.
     */
    Path write(String chunk, byte[] stored, String writer) {
        Path target = path(chunk);
        Path temporary = tmp.resolve(writer + "." + UUID.randomUUID() + ".chunk");
        try {
            Files.createDirectories(target.getParent());
            writeDurably(temporary, stored);
            move(temporary, target);
            return target.getParent();
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new UncheckedIOException("cannot write chunk " + chunk, e);
        }
    }

    /**
     * Writes a chunk's stored bytes to a temporary file named after the writer, neither fsync'd nor in place: the
     * writer makes its files durable at once ({@link FileSystemSync}) and only then {@link #place}s them, so no chunk
     * file in place can be one whose bytes a crash lost.
     */
    Path stage(String chunk, byte[] stored, int length, String writer) {
        Path temporary = tmp.resolve(writer + "." + UUID.randomUUID() + ".chunk");
        try {
            writeNew(temporary, stored, length, false);
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new UncheckedIOException("cannot write chunk " + chunk, e);
        }
        return temporary;
    }

    /** Renames a staged chunk file into place; answers its directory, whose entry the caller makes durable. */
    Path place(String chunk, Path staged) {
        Path target = path(chunk);
        try {
            Files.createDirectories(target.getParent());
            move(staged, target);
            return target.getParent();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot put chunk " + chunk + " in place", e);
        }
    }

    /**
     * A chunk's stored bytes, from its place or, while a prune has set it aside, from the trash. Its place is looked
     * at again last: a prune may put the chunk back (one rename) between the first look and the look in the trash.
     */
    Optional<byte[]> read(String chunk) {
        for (Path candidate : List.of(path(chunk), trashPath(chunk), path(chunk))) {
            try {
                return Optional.of(Files.readAllBytes(candidate));
            } catch (NoSuchFileException e) {
                // not there: try the next place
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read chunk " + chunk, e);
            }
        }
        return Optional.empty();
    }

    /**
     * True when the chunk is in its place, taken back from the trash if a prune had set it aside. The place is looked
     * at again last: a prune may put the chunk back itself between the first look and the look in the trash.
     */
    boolean holds(String chunk) {
        return has(chunk) || restoreFromTrash(chunk) || has(chunk);
    }

    /** Sets a chunk aside (prune's first step). False when it is no longer there. */
    boolean moveToTrash(String chunk) {
        return moveIfPresent(path(chunk), trashPath(chunk));
    }

    /** Puts a chunk set aside back in its place. False when the trash no longer holds it. */
    boolean restoreFromTrash(String chunk) {
        try {
            Files.createDirectories(path(chunk).getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the directory of chunk " + chunk, e);
        }
        return moveIfPresent(trashPath(chunk), path(chunk));
    }

    /** Deletes a chunk from the trash; answers the bytes freed (0 when it was gone). */
    long deleteFromTrash(String chunk) {
        Path file = trashPath(chunk);
        try {
            long size = Files.size(file);
            Files.delete(file);
            return size;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete chunk " + chunk + " from the trash", e);
        }
    }

    List<String> inTrash() {
        return names(trash);
    }

    /** Every chunk in its place. */
    List<String> all() {
        List<String> all = new ArrayList<>();
        for (String fan : names(chunks)) {
            all.addAll(names(chunks.resolve(fan)));
        }
        return all;
    }

    long size(String chunk) {
        try {
            return Files.size(path(chunk));
        } catch (IOException e) {
            return 0;
        }
    }

    private boolean moveIfPresent(Path from, Path to) {
        try {
            move(from, to);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + from + " to " + to, e);
        }
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the repository's file system cannot rename " + from + " atomically", e);
        }
    }

    static void writeDurably(Path file, byte[] bytes) throws IOException {
        writeNew(file, bytes, bytes.length, true);
    }

    /** Writes a new file of the first {@code length} bytes, fsync'd when {@code durably}. */
    private static void writeNew(Path file, byte[] bytes, int length, boolean durably) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (durably) {
                channel.force(true);
            }
        }
    }

    /** Makes a directory's entries (a rename into it) durable. */
    static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync directory " + directory, e);
        }
    }

    static List<String> names(Path directory) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        return names;
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover temporary file is removed by the next prune
        }
    }
}
