package dev.paddock.backup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

/** Disk images for the repository's tests: seeded random bytes, holes, repeated and compressible content. */
final class Images {

    static final int CHUNK = 64 << 10;

    private Images() {}

    static byte[] random(long seed, int size) {
        byte[] image = new byte[size];
        new Random(seed).nextBytes(image);
        return image;
    }

    /** Random data in every other chunk, zeros between: half the image is holes. */
    static byte[] sparse(long seed, int size) {
        byte[] image = random(seed, size);
        for (int at = CHUNK; at < size; at += 2 * CHUNK) {
            Arrays.fill(image, at, Math.min(size, at + CHUNK), (byte) 0);
        }
        return image;
    }

    /** Text-like bytes zstd shrinks well. */
    static byte[] compressible(long seed, int size) {
        Random random = new Random(seed);
        byte[] image = new byte[size];
        for (int i = 0; i < size; i++) {
            image[i] = (byte) ('a' + random.nextInt(4));
        }
        return image;
    }

    static InputStream stream(byte[] image) {
        return new ByteArrayInputStream(image);
    }

    static byte[] read(BackupRepository repository, String point, String disk) {
        try (InputStream in = repository.openDisk(point, disk)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RestorePoint write(BackupRepository repository, String vm, byte[] image, Instant taken) {
        try (PointWriter writer = repository.begin(vm, "{\"name\":\"" + vm + "\"}", taken, Optional.empty())) {
            writer.writeDisk("vda", stream(image));
            return writer.commit();
        }
    }
}
