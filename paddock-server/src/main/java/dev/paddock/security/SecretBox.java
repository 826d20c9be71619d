package dev.paddock.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a secret (a BMC password) with AES-256-GCM under the server's secrets key, for the store to keep:
 * {@value #PREFIX} followed by base64 of a fresh 12-byte nonce and the ciphertext with its tag. The caller names
 * what the secret belongs to ({@code context}, for example the host and the option), which is authenticated with it:
 * a sealed value copied to another host's row or option does not open.
 */
public final class SecretBox {

    /** How a sealed value begins; a value without it was stored before secrets were sealed. */
    public static final String PREFIX = "sealed:v1:";

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    SecretBox(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    public static boolean isSealed(String stored) {
        return stored.startsWith(PREFIX);
    }

    public String seal(String secret, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has AES-GCM", e);
        }
    }

    /**
     * The secret of a sealed value.
     *
     * @throws Unreadable when the value was not sealed by this key for this context, or was changed
     */
    public String open(String stored, String context) {
        if (!isSealed(stored)) {
            throw new Unreadable("the value of " + context + " is not sealed");
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new Unreadable("the sealed value of " + context + " is too short");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | javax.crypto.AEADBadTagException e) {
            throw new Unreadable("the sealed value of " + context + " does not open with this server's secrets key"
                    + " (another key, or changed in the database)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has AES-GCM", e);
        }
    }

    /** A sealed value that does not open: the store was changed, or the key is not the one it was sealed with. */
    public static final class Unreadable extends RuntimeException {
        public Unreadable(String message) {
            super(message);
        }
    }
}
