package dev.paddock.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random secrets (tokens, session cookies, one-time passwords) and the digest the store keeps of them. */
public final class Secrets {

    /** Every API token starts so, which lets scanners find a leaked one. */
    public static final String TOKEN_PREFIX = "pdk_";

    private final SecureRandom random;

    public Secrets(SecureRandom random) {
        this.random = random;
    }

    public static Secrets strong() {
        return new Secrets(new SecureRandom());
    }

    /** 256 random bits, URL-safe. */
    public String token() {
        return TOKEN_PREFIX + randomText(32);
    }

    /** 256 random bits, URL-safe, for a cookie or a CSRF token. */
    public String opaque() {
        return randomText(32);
    }

    /** A password of 20 letters and digits (about 119 bits), easy to copy from a log. */
    public String password() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }

    private String randomText(int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** The hex SHA-256 of a high-entropy secret: what the store keeps and looks secrets up by. */
    public static String digest(String secret) {
        MessageDigest sha256 = SHA_256.get();
        sha256.reset();
        return HexFormat.of().formatHex(sha256.digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** One SHA-256 per thread: each request digests its token, and finding the JDK's provider costs more than that. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    });
}
