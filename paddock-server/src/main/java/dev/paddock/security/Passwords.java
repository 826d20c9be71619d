package dev.paddock.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (Bouncy Castle's generator) in the PHC string form
 * {@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}, so that the parameters travel with each hash and can be raised
 * later without breaking stored ones. The defaults are OWASP's minimum for Argon2id.
 */
public final class Passwords {

    /** Memory in KiB, iterations and lanes of new hashes. */
    public record Cost(int memoryKib, int iterations, int parallelism) {
        public static final Cost DEFAULT = new Cost(19_456, 2, 1);
    }

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

    private final Cost cost;
    private final SecureRandom random;

    public Passwords(Cost cost, SecureRandom random) {
        this.cost = cost;
        this.random = random;
    }

    public static Passwords standard() {
        return new Passwords(Cost.DEFAULT, new SecureRandom());
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, cost, HASH_BYTES);
        return "$argon2id$v=19$m=" + cost.memoryKib() + ",t=" + cost.iterations() + ",p=" + cost.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Whether {@code password} matches {@code encoded}; a malformed hash matches nothing. */
    public static boolean matches(String password, String encoded) {
        String[] parts = encoded.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return false;
        }
        try {
            Cost cost = cost(parts[3]);
            byte[] salt = B64_DECODER.decode(parts[4]);
            byte[] expected = B64_DECODER.decode(parts[5]);
            return MessageDigest.isEqual(expected, derive(password, salt, cost, expected.length));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Cost cost(String text) {
        int m = -1;
        int t = -1;
        int p = -1;
        for (String pair : text.split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("not a parameter: " + pair);
            }
            int value = Integer.parseInt(kv[1]);
            switch (kv[0]) {
                case "m" -> m = value;
                case "t" -> t = value;
                case "p" -> p = value;
                default -> throw new IllegalArgumentException("unknown parameter " + kv[0]);
            }
        }
        if (m < 8 || t < 1 || p < 1 || m > 4_194_304 || t > 100 || p > 64) {
            throw new IllegalArgumentException("parameters out of range");
        }
        return new Cost(m, t, p);
    }

    private static byte[] derive(String password, byte[] salt, Cost cost, int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(cost.memoryKib())
                .withIterations(cost.iterations())
                .withParallelism(cost.parallelism())
                .withSalt(salt)
                .build());
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
