package dev.paddock.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The 32 random bytes that open an encrypted repository. They live outside the repository (a file beside the
 * server's other keys), so that whoever holds the datastore holds only ciphertext. Every key the repository uses is
 * derived from them with HMAC-SHA256 under a label, so no two uses share a key.
 */
public final class RepositoryKey {

    static final int BYTES = 32;

    private final byte[] bytes;

    private RepositoryKey(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    public static RepositoryKey generate() {
        byte[] bytes = new byte[BYTES];
        new SecureRandom().nextBytes(bytes);
        return new RepositoryKey(bytes);
    }

    public static RepositoryKey of(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("a repository key is " + BYTES + " bytes, not " + bytes.length);
        }
        return new RepositoryKey(bytes);
    }

    /** The key as base64, to keep sealed elsewhere (never shown, never logged). */
    public String base64() {
        return java.util.Base64.getEncoder().encodeToString(bytes);
    }

    /** The key {@link #base64} gave. */
    public static RepositoryKey ofBase64(String text) {
        try {
            return of(java.util.Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a repository key is 32 bytes in base64: " + e.getMessage(), e);
        }
    }

    /** Reads a key file written by {@link #write}. */
    public static RepositoryKey read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != BYTES) {
                throw new IllegalArgumentException("the key file " + file + " holds " + bytes.length
                        + " bytes; a repository key is " + BYTES);
            }
            return new RepositoryKey(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the repository key " + file, e);
        }
    }

    /** Writes the key to a new file only its owner reads. */
    public void write(Path file) {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the repository key " + file, e);
        }
    }

    /** HMAC-SHA256 of {@code label} under this key: 32 bytes no other label yields. */
    byte[] derive(String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(bytes, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RepositoryKey key && Arrays.equals(bytes, key.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "RepositoryKey(hidden)";
    }
}
