package dev.paddock.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A running writer's record in {@code writers/}: a first line naming the process that writes
 * ({@code host pid process-start point}), then one line per chunk the writer's point will reference, appended
 * <em>before</em> the writer looks whether the chunk exists. Prune reads these lists as references (see
 * {@link Prune} for why that order makes a concurrent prune safe). The file is made whole in {@code tmp/} and renamed
 * into {@code writers/}, so a prune never sees a record without its first line. A record whose process is gone (same
 * host, no process of that id and start) is a dead writer's, which prune deletes; a record from another host is
 * kept, since its process cannot be seen from here.
 */
final class WriterJournal implements AutoCloseable {

    private static final String HOST = localHost();

    private final Path file;
    private final FileChannel channel;
    private final String id;

    private WriterJournal(Path file, FileChannel channel, String id) {
        this.file = file;
        this.channel = channel;
        this.id = id;
    }

    static WriterJournal start(Path root, String point) {
        String id = UUID.randomUUID().toString();
        ProcessHandle self = ProcessHandle.current();
        String header = String.join(" ", HOST, Long.toString(self.pid()),
                self.info().startInstant().map(Instant::toString).orElse("-"), point) + "\n";
        Path temporary = root.resolve("tmp").resolve(id + ".writer");
        Path file = root.resolve("writers").resolve(id);
        try {
            FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            write(channel, header);
            ChunkStore.move(temporary, file);
            return new WriterJournal(file, channel, id);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a writer record in " + root, e);
        }
    }

    /** The writer's id; its temporary files are named after it. */
    String id() {
        return id;
    }

    /** Appends chunks the writer's point will reference, in one write, visible to a prune when it returns. */
    void record(Collection<String> chunks) {
        if (chunks.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder(chunks.size() * 65);
        for (String chunk : chunks) {
            lines.append(chunk).append('\n');
        }
        try {
            write(channel, lines.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to writer record " + file, e);
        }
    }

    /** Ends the record: after the writer's manifest is in place, or when it gives up. */
    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove writer record " + file, e);
        }
    }

    private static void write(FileChannel channel, String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** The live writers' ids and the chunks they reference. */
    record Live(Set<String> writers, Set<String> chunks) {}

    /**
     * Reads every writer record. A line not yet ended by its newline is being appended: it is ignored, which is
     * safe because its writer has not yet looked whether the chunk exists.
     */
    static Live readAll(Path root) {
        Set<String> writers = new HashSet<>();
        Set<String> chunks = new HashSet<>();
        for (String name : ChunkStore.names(root.resolve("writers"))) {
            Optional<String> text = readText(root.resolve("writers").resolve(name));
            if (text.isEmpty()) {
                continue;
            }
            writers.add(name);
            String[] lines = text.get().split("\n", -1);
            for (int i = 1; i < lines.length - 1; i++) {
                chunks.add(lines[i]);
            }
        }
        return new Live(writers, chunks);
    }

    /**
     * Deletes the records of writers whose process is gone, then the temporary files of writers that have no record.
     * The temporary files are listed before the records: a writer makes its record before any temporary chunk or
     * manifest, so a file listed first whose writer has no record afterwards belongs to a writer that is gone. A
     * record being made ({@code .writer}) is left alone.
     */
    static void dropDead(Path root) {
        List<String> temporaries = ChunkStore.names(root.resolve("tmp"));
        Set<String> live = new HashSet<>();
        for (String name : ChunkStore.names(root.resolve("writers"))) {
            Path file = root.resolve("writers").resolve(name);
            Optional<String> text = readText(file);
            if (text.isPresent() && !alive(text.get().lines().findFirst().orElse(""))) {
                ChunkStore.deleteQuietly(file);
            } else {
                live.add(name);
            }
        }
        for (String temporary : temporaries) {
            int dot = temporary.indexOf('.');
            if (dot > 0 && !temporary.endsWith(".writer") && !live.contains(temporary.substring(0, dot))) {
                ChunkStore.deleteQuietly(root.resolve("tmp").resolve(temporary));
            }
        }
    }

    static boolean alive(String header) {
        String[] fields = header.split(" ");
        if (fields.length < 3 || !fields[0].equals(HOST)) {
            return true;
        }
        Optional<ProcessHandle> process;
        try {
            process = ProcessHandle.of(Long.parseLong(fields[1]));
        } catch (NumberFormatException e) {
            return true;
        }
        return process.isPresent() && process.get().isAlive()
                && process.get().info().startInstant().map(Instant::toString).orElse("-").equals(fields[2]);
    }

    private static Optional<String> readText(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read writer record " + file, e);
        }
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName().replace(' ', '_');
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
