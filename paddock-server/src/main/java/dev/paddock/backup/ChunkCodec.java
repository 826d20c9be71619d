package dev.paddock.backup;

import com.github.luben.zstd.Zstd;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a chunk is named and how its bytes are stored.
 *
 * <p>A chunk's name is the SHA-256 of its plain content, or, in an encrypted repository, its HMAC-SHA256 under a key
 * derived from the repository key, so that names say nothing about the content to whoever lacks the key (a plain
 * hash would let anyone confirm that a known file is in the backup). Stored bytes are
 * {@code "PDC1" | flags | inner} in a plain repository and {@code "PDC1" | flags | nonce(12) | AES-256-GCM(inner)} in
 * an encrypted one, the GCM tag authenticating the name and flags too, where {@code inner} is the plain length
 * (4 bytes) and the zstd frame of the content, or the content itself when zstd does not make it smaller. Reading
 * always recomputes the name from the decoded content: that is the checksum, end to end, whatever was damaged.
 */
final class ChunkCodec {

    private static final byte[] MAGIC = "PDC1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SPARSE_MAGIC = "PDC2".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MANIFEST_MAGIC = "PDM1".getBytes(StandardCharsets.US_ASCII);
    private static final int FLAG_ZSTD = 1;
    private static final int FLAG_SEALED = 2;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** Proxmox Backup Server's level: most of level 3's ratio at a good deal more speed. */
    private static final int ZSTD_LEVEL = 1;
    /** Larger than any chunk size the repository allows, smaller than a length that would exhaust memory. */
    static final int MAX_PLAIN = 64 << 20;

    private final Optional<SecretKeySpec> nameKey;
    private final Optional<SecretKeySpec> sealKey;
    private final Optional<String> keyCheck;
    private final boolean sparse;
    private final SecureRandom random = new SecureRandom();

    private ChunkCodec(Optional<RepositoryKey> key, boolean sparse) {
        this.nameKey = key.map(k -> new SecretKeySpec(k.derive("paddock-backup/chunk-names"), "HmacSHA256"));
        this.sealKey = key.map(k -> new SecretKeySpec(k.derive("paddock-backup/seal"), "AES"));
        this.keyCheck = key.map(k -> HexFormat.of().formatHex(k.derive("paddock-backup/key-check")));
        this.sparse = sparse;
    }

    /** The codec of a repository of format 1 (whole chunks) or 2 (sparse chunks, see {@link SparseChunk}). */
    static ChunkCodec of(Optional<RepositoryKey> key, int format) {
        if (format != 1 && format != 2) {
            throw new IllegalArgumentException("chunk format " + format + " is neither 1 nor 2");
        }
        return new ChunkCodec(key, format == 2);
    }

    boolean sealed() {
        return sealKey.isPresent();
    }

    /** What the repository's configuration records to tell its key from another (a PRF output: it reveals no key). */
    Optional<String> keyCheck() {
        return keyCheck;
    }

    /**
     * A chunk's name: a digest of its content, or in a sparse repository of its {@link SparseChunk} encoding (the
     * same content, its zero blocks left out and marked), which costs what its data costs.
     */
    String name(byte[] content, int length) {
        return sparse ? name(SparseChunk.of(content, length)) : digest(content, 0, length);
    }

    String name(SparseChunk chunk) {
        if (!sparse) {
            return name(chunk.content(), chunk.length());
        }
        Digest digest = new Digest();
        chunk.feed(digest::update);
        return digest.done();
    }

    private String digest(byte[] content, int offset, int length) {
        Digest digest = new Digest();
        digest.update(content, offset, length);
        return digest.done();
    }

    /** SHA-256, or HMAC-SHA256 under the name key in an encrypted repository. */
    private final class Digest {
        private final MessageDigest sha;
        private final Mac mac;

        Digest() {
            try {
                if (nameKey.isPresent()) {
                    mac = Mac.getInstance("HmacSHA256");
                    mac.init(nameKey.get());
                    sha = null;
                } else {
                    sha = MessageDigest.getInstance("SHA-256");
                    mac = null;
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every JDK has SHA-256 and HmacSHA256", e);
            }
        }

        void update(byte[] bytes, int offset, int length) {
            if (mac != null) {
                mac.update(bytes, offset, length);
            } else {
                sha.update(bytes, offset, length);
            }
        }

        String done() {
            return HexFormat.of().formatHex(mac != null ? mac.doFinal() : sha.digest());
        }
    }

    byte[] encode(String chunk, byte[] content, int length) {
        return sparse ? encode(chunk, SparseChunk.of(content, length))
                : encode(chunk, MAGIC, length, length == content.length ? content : Arrays.copyOf(content, length),
                        new byte[0]);
    }

    /** A sparse chunk as stored: its length, its map of blocks, and its data blocks compressed. */
    byte[] encode(String chunk, SparseChunk content) {
        if (!sparse) {
            return encode(chunk, content.content(), content.length());
        }
        return encode(chunk, SPARSE_MAGIC, content.length(), content.data(), content.map());
    }

    /** The most bytes {@link #encodeInto} writes for a chunk of {@code chunkSize} bytes. */
    static int encodedBound(int chunkSize) {
        return MAGIC.length + 1 + NONCE_BYTES + TAG_BITS / 8 + 4 + SparseChunk.mapBytes(chunkSize)
                + (int) Zstd.compressBound(chunkSize);
    }

    /**
     * As {@link #encode(String, SparseChunk)}, written into {@code into} (at least {@link #encodedBound} of the
     * chunk's length); answers the bytes written. In a plain repository of format 2 the data blocks are compressed
     * straight from the chunk's content into place (gathered first into {@code gather}, of the chunk's length, when
     * zero blocks lie between them): nothing else is allocated or copied.
     */
    int encodeInto(String chunk, SparseChunk content, byte[] into, byte[] gather) {
        if (!sparse || sealed()) {
            byte[] stored = encode(chunk, content);
            System.arraycopy(stored, 0, into, 0, stored.length);
            return stored.length;
        }
        int dataLength = content.dataInto(gather);
        byte[] plain = dataLength < 0 ? content.content() : gather;
        int plainLength = dataLength < 0 ? content.length() : dataLength;
        byte[] map = content.map();
        int head = SPARSE_MAGIC.length + 1;
        int body = head + 4 + map.length;
        long compressed = Zstd.compressByteArray(into, body, into.length - body, plain, 0, plainLength, ZSTD_LEVEL);
        if (Zstd.isError(compressed)) {
            throw new IllegalStateException("zstd could not compress chunk " + chunk + ": "
                    + Zstd.getErrorName(compressed));
        }
        boolean zstd = compressed < plainLength;
        if (!zstd) {
            System.arraycopy(plain, 0, into, body, plainLength);
        }
        System.arraycopy(SPARSE_MAGIC, 0, into, 0, SPARSE_MAGIC.length);
        into[SPARSE_MAGIC.length] = (byte) (zstd ? FLAG_ZSTD : 0);
        ByteBuffer.wrap(into, head, 4).putInt(content.length());
        System.arraycopy(map, 0, into, head + 4, map.length);
        return body + (zstd ? (int) compressed : plainLength);
    }

    private byte[] encode(String chunk, byte[] magic, int length, byte[] plain, byte[] map) {
        byte[] compressed = Zstd.compress(plain, ZSTD_LEVEL);
        boolean zstd = compressed.length < plain.length;
        byte[] body = zstd ? compressed : plain;
        int flags = (zstd ? FLAG_ZSTD : 0) | (sealed() ? FLAG_SEALED : 0);
        int headLength = magic.length + 1 + (sealed() ? NONCE_BYTES : 0);
        ByteBuffer inner = ByteBuffer.allocate(4 + map.length + body.length).putInt(length).put(map).put(body);
        if (!sealed()) {
            return ByteBuffer.allocate(headLength + inner.capacity()).put(magic).put((byte) flags).put(inner.array())
                    .array();
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealedInner = gcm(Cipher.ENCRYPT_MODE, nonce, aad(chunk, flags), inner.array(), 0, inner.capacity());
        return ByteBuffer.allocate(headLength + sealedInner.length).put(magic).put((byte) flags).put(nonce)
                .put(sealedInner).array();
    }

    /** The content of a stored chunk, checked against its name. */
    byte[] decode(String chunk, byte[] stored) throws Unreadable {
        byte[] magic = sparse ? SPARSE_MAGIC : MAGIC;
        if (stored.length < magic.length + 1 + 4
                || !Arrays.equals(stored, 0, magic.length, magic, 0, magic.length)) {
            throw new Unreadable("it is not a chunk file of this repository's format (no " + new String(magic,
                    StandardCharsets.US_ASCII) + " header)");
        }
        int flags = stored[magic.length];
        if (((flags & FLAG_SEALED) != 0) != sealed()) {
            throw new Unreadable(sealed() ? "it is not encrypted in an encrypted repository"
                    : "it is encrypted in a plain repository");
        }
        int at = magic.length + 1;
        ByteBuffer inner;
        if (sealed()) {
            if (stored.length < at + NONCE_BYTES + TAG_BITS / 8) {
                throw new Unreadable("it is shorter than its nonce and tag");
            }
            byte[] nonce = Arrays.copyOfRange(stored, at, at + NONCE_BYTES);
            try {
                inner = ByteBuffer.wrap(gcm(Cipher.DECRYPT_MODE, nonce, aad(chunk, flags), stored,
                        at + NONCE_BYTES, stored.length - at - NONCE_BYTES));
            } catch (BadSeal e) {
                throw new Unreadable("it does not authenticate under the repository key (changed or damaged)");
            }
        } else {
            inner = ByteBuffer.wrap(stored, at, stored.length - at);
        }
        byte[] content = sparse ? inflateSparse(inner, (flags & FLAG_ZSTD) != 0)
                : inflate(inner, (flags & FLAG_ZSTD) != 0);
        if (!name(content, content.length).equals(chunk)) {
            throw new Unreadable("its content does not match its name");
        }
        return content;
    }

    private static byte[] inflateSparse(ByteBuffer inner, boolean zstd) throws Unreadable {
        int length = plainLength(inner);
        byte[] map = new byte[SparseChunk.mapBytes(length)];
        if (inner.remaining() < map.length) {
            throw new Unreadable("it is shorter than its map of blocks");
        }
        inner.get(map);
        return SparseChunk.expand(map, unpack(inner, zstd, SparseChunk.dataBytes(map, length), " of data"), length);
    }

    private static byte[] inflate(ByteBuffer inner, boolean zstd) throws Unreadable {
        return unpack(inner, zstd, plainLength(inner), "");
    }

    /** The plain length an inner part begins with. */
    private static int plainLength(ByteBuffer inner) throws Unreadable {
        if (inner.remaining() < 4) {
            throw new Unreadable("it is truncated");
        }
        int length = inner.getInt();
        if (length <= 0 || length > MAX_PLAIN) {
            throw new Unreadable("it claims an impossible length " + length);
        }
        return length;
    }

    /** The rest of an inner part, decompressed when {@code zstd}: {@code expected} bytes ({@code what} names them). */
    private static byte[] unpack(ByteBuffer inner, boolean zstd, int expected, String what) throws Unreadable {
        byte[] body = new byte[inner.remaining()];
        inner.get(body);
        if (!zstd) {
            if (body.length != expected) {
                throw new Unreadable("it holds " + body.length + " bytes" + what + ", not " + expected);
            }
            return body;
        }
        byte[] content;
        try {
            content = Zstd.decompress(body, expected);
        } catch (RuntimeException e) {
            throw new Unreadable("its zstd frame does not decompress (" + e.getMessage() + ")");
        }
        if (content.length != expected) {
            throw new Unreadable("it decompresses to " + content.length + " bytes" + what + ", not " + expected);
        }
        return content;
    }

    /** A manifest as stored: its JSON in a plain repository, sealed under the repository key in an encrypted one. */
    byte[] sealManifest(String point, byte[] json) {
        if (!sealed()) {
            return json;
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] aad = ("point " + point).getBytes(StandardCharsets.UTF_8);
        return concat(concat(MANIFEST_MAGIC, nonce), gcm(Cipher.ENCRYPT_MODE, nonce, aad, json, 0, json.length));
    }

    byte[] openManifest(String point, byte[] stored) throws Unreadable {
        boolean sealedFile = stored.length >= MANIFEST_MAGIC.length
                && Arrays.equals(stored, 0, MANIFEST_MAGIC.length, MANIFEST_MAGIC, 0, MANIFEST_MAGIC.length);
        if (sealedFile != sealed()) {
            throw new Unreadable(sealed() ? "it is not encrypted in an encrypted repository"
                    : "it is encrypted in a plain repository");
        }
        if (!sealed()) {
            return stored;
        }
        int at = MANIFEST_MAGIC.length;
        if (stored.length < at + NONCE_BYTES + TAG_BITS / 8) {
            throw new Unreadable("it is shorter than its nonce and tag");
        }
        try {
            return gcm(Cipher.DECRYPT_MODE, Arrays.copyOfRange(stored, at, at + NONCE_BYTES),
                    ("point " + point).getBytes(StandardCharsets.UTF_8), stored, at + NONCE_BYTES,
                    stored.length - at - NONCE_BYTES);
        } catch (BadSeal e) {
            throw new Unreadable("it does not authenticate under the repository key (changed or damaged)");
        }
    }

    private byte[] gcm(int mode, byte[] nonce, byte[] aad, byte[] input, int offset, int length) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, sealKey.orElseThrow(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(input, offset, length);
        } catch (AEADBadTagException e) {
            throw new BadSeal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has AES-GCM", e);
        }
    }

    private static byte[] aad(String chunk, int flags) {
        return (chunk + "/" + flags).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** Stored bytes that do not decode; the message says why, for the sentence that names the chunk. */
    static final class Unreadable extends Exception {
        Unreadable(String why) {
            super(why);
        }
    }

    private static final class BadSeal extends RuntimeException {
        BadSeal() {
            super("GCM tag mismatch", null, false, false);
        }
    }
}
