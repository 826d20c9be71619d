package dev.paddock.server.sim;

import dev.paddock.model.Room;
import dev.paddock.sim.DemoRoom;
import dev.paddock.sim.SimClock;
import dev.paddock.sim.SimulatedHypervisor;
import dev.paddock.sim.SimulatedRoom;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The simulated room kept in a file that survives a {@code kill -9}: each text the simulator hands over after a
 * change is written to a temporary file, forced to disk, then renamed over the old one, so a reader finds either
 * the old state or the new one. The text's format is the engine's (the simulator's {@code RoomText}); the file is
 * the server's, because the engine does no I/O.
 */
public final class RoomFile {

    private RoomFile() {}

    /** The room saved in {@code file}, which goes on being kept up to date. */
    public static SimulatedHypervisor load(Path file, SimClock clock) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the simulated room from " + file, e);
        }
        return SimulatedHypervisor.restore(text, file.toString(), clock, saved -> replace(file, saved));
    }

    /** The room saved in {@code file} when there is one, else an empty room that will be saved there. */
    public static SimulatedHypervisor open(Path file, SimClock clock, long seed) {
        if (Files.exists(file)) {
            return load(file, clock);
        }
        SimulatedHypervisor sim = SimulatedHypervisor.create(clock, seed);
        keep(sim, file);
        return sim;
    }

    /** From now on, writes the whole room to {@code file} after every change (and once now). */
    public static void keep(SimulatedHypervisor sim, Path file) {
        sim.saveTo(text -> replace(file, text));
    }

    /**
     * The demo room whose simulated state lives in {@code file}: built and saved there the first time, found again
     * there after a restart (the layout comes back from the seed, the domains from the file).
     */
    public static SimulatedRoom openDemo(Path file, SimClock clock, long seed) {
        if (Files.exists(file)) {
            Room room = DemoRoom.build(clock, seed).room();
            return new SimulatedRoom(room, load(file, clock));
        }
        SimulatedRoom demo = DemoRoom.build(clock, seed);
        keep(demo.hypervisor(), file);
        return demo;
    }

    private static void replace(Path file, String text) {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the simulated room to " + file, e);
        }
    }

    /** Makes the rename itself durable; not every platform lets a directory be opened, hence best effort. */
    private static void forceDirectory(Path directory) {
        if (directory == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // The rename is done; only its durability across a power cut is weaker here.
        }
    }
}
