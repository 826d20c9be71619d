package dev.paddock.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The server's keys, kept in files outside the database so that someone who can only write the database can
 * neither recompute the audit chain nor read a fence device's password: {@code audit.key} (the chain's HMAC key)
 * and {@code secrets.key} (AES-256-GCM over secret options), 32 random bytes each, in a directory of mode 0700,
 * each file 0600.
 *
 * <p>A key is made only when the database holds nothing written with it: a missing key for data that needs it
 * stops the start with a sentence, since a new key would make the old data unverifiable or unreadable for ever.
 * The directory also holds {@code audit.chain}, where the keyed part of the audit chain begins (see
 * {@link ChainStart}): it lives beside the key for the same reason as the key.
 */
public final class ServerKeys {

    /** The data that needs a key, as the store reports it before the keys are opened. */
    public enum Use {
        /** The audit log has keyed entries. */
        AUDIT,
        /** Fence devices have sealed options. */
        SECRETS
    }

    /**
     * Where the keyed part of the audit chain starts: the entry {@code seq} is the first that must carry an HMAC,
     * and it must follow {@code previousHash} (the last plain SHA-256 entry's hash, or the genesis value). Every
     * entry before it was written by a server without keys; binding the first keyed entry to their last hash is
     * what keeps them from being rewritten.
     */
    public record ChainStart(long seq, String previousHash) {}

    static final int KEY_BYTES = 32;
    static final String AUDIT_FILE = "audit.key";
    static final String SECRETS_FILE = "secrets.key";
    static final String CHAIN_FILE = "audit.chain";

    private final Path directory;
    private final byte[] audit;
    private final byte[] secrets;

    private ServerKeys(Path directory, byte[] audit, byte[] secrets) {
        this.directory = directory;
        this.audit = audit.clone();
        this.secrets = secrets.clone();
    }

    /**
     * Opens the keys in {@code directory}, making the directory and any key no data uses yet.
     *
     * @param inUse the keys the database already holds data under
     * @throws MissingKey when a key that {@code inUse} names is not in the directory
     */
    public static ServerKeys open(Path directory, Set<Use> inUse) {
        try {
            Path dir = directory.toAbsolutePath();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
            }
            restrict(dir, "rwx------");
            byte[] audit = key(dir, AUDIT_FILE, inUse.contains(Use.AUDIT));
            byte[] secrets = key(dir, SECRETS_FILE, inUse.contains(Use.SECRETS));
            if (inUse.contains(Use.AUDIT) && !Files.exists(dir.resolve(CHAIN_FILE))) {
                throw new MissingKey("The audit log has keyed entries but " + dir.resolve(CHAIN_FILE)
                        + " is missing: restore the key directory from its backup.");
            }
            return new ServerKeys(dir, audit, secrets);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the key directory " + directory, e);
        }
    }

    /** The audit chain's HMAC-SHA256 key. */
    public byte[] auditKey() {
        return audit.clone();
    }

    /** The box that seals and opens secrets under the secrets key. */
    public SecretBox secrets() {
        return new SecretBox(secrets);
    }

    /**
     * Where the keyed chain starts: read from the key directory, or, the first time, {@code now} (where the log
     * ends today) written there.
     */
    public ChainStart auditChainStart(Supplier<ChainStart> now) {
        Path file = directory.resolve(CHAIN_FILE);
        try {
            if (!Files.exists(file)) {
                ChainStart start = now.get();
                Properties properties = new Properties();
                properties.setProperty("seq", Long.toString(start.seq()));
                properties.setProperty("previousHash", start.previousHash());
                Path temporary = Files.createTempFile(directory, CHAIN_FILE, ".new");
                try (var out = Files.newOutputStream(temporary)) {
                    properties.store(out, "the first audit entry that must carry an HMAC, and the hash it follows");
                }
                restrict(temporary, "rw-------");
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
                return start;
            }
            Properties properties = new Properties();
            try (var in = Files.newInputStream(file)) {
                properties.load(in);
            }
            return new ChainStart(Long.parseLong(properties.getProperty("seq", "")),
                    Optional.ofNullable(properties.getProperty("previousHash")).orElseThrow(() ->
                            new MissingKey(file + " names no previousHash: restore the key directory from its backup.")));
        } catch (NumberFormatException e) {
            throw new MissingKey(file + " names no first keyed entry: restore the key directory from its backup.");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    private static byte[] key(Path dir, String name, boolean dataUsesIt) throws IOException {
        Path file = dir.resolve(name);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] key = Files.readAllBytes(file);
            if (key.length != KEY_BYTES) {
                throw new MissingKey("The key " + file + " is " + key.length + " bytes, not " + KEY_BYTES
                        + ": restore it from its backup.");
            }
            return key;
        }
        if (dataUsesIt) {
            throw new MissingKey("The key " + file + " is missing but the database holds data written with it:"
                    + " restore the key directory from its backup (a new key would leave that data unreadable).");
        }
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        Path temporary = Files.createTempFile(dir, name, ".new");
        restrict(temporary, "rw-------");
        Files.write(temporary, key);
        // whole or absent: a start killed here leaves no short key behind (one server makes keys: it holds the lease)
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        return key;
    }

    private static void restrict(Path path, String permissions) throws IOException {
        if (Files.getFileStore(path).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        }
    }

    /** A key the data needs is not where it should be: the server must not start. */
    public static final class MissingKey extends RuntimeException {
        public MissingKey(String message) {
            super(message);
        }
    }
}
