package dev.paddock.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The data a benchmark disk starts with, written into a sparse raw file: {@code data} bytes in 256 KiB pieces at
 * random places (the rest holes). Random bytes, which nothing compresses; or mixed: every other piece text of words
 * from a vocabulary of 2,000, which compresses as system files and logs do, so compressors differ.
 */
final class DiskContent {

    static final int PIECE = 256 << 10;

    private DiskContent() {}

    static void write(Path raw, long size, long data, Random random, boolean mixed) throws IOException {
        int slots = (int) (size / PIECE);
        int pieces = (int) Math.min(slots, data / PIECE);
        List<Integer> places = new ArrayList<>(slots);
        for (int i = 0; i < slots; i++) {
            places.add(i);
        }
        Collections.shuffle(places, random);
        List<byte[]> words = mixed ? vocabulary(random) : List.of();
        byte[] piece = new byte[PIECE];
        try (FileChannel channel = FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.truncate(size);
            channel.position(size - 1).write(ByteBuffer.wrap(new byte[1]));
            for (int i = 0; i < pieces; i++) {
                if (mixed && i % 2 == 1) {
                    text(piece, words, random);
                } else {
                    random.nextBytes(piece);
                }
                ByteBuffer buffer = ByteBuffer.wrap(piece);
                long at = (long) places.get(i) * PIECE;
                while (buffer.hasRemaining()) {
                    at += channel.write(buffer, at);
                }
            }
        }
    }

    private static List<byte[]> vocabulary(Random random) {
        List<byte[]> words = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            char[] letters = new char[3 + random.nextInt(8)];
            for (int j = 0; j < letters.length; j++) {
                letters[j] = (char) ('a' + random.nextInt(26));
            }
            words.add((new String(letters) + (random.nextInt(12) == 0 ? "\n" : " ")).getBytes(StandardCharsets.US_ASCII));
        }
        return words;
    }

    private static void text(byte[] piece, List<byte[]> words, Random random) {
        int at = 0;
        while (at < piece.length) {
            byte[] word = words.get(random.nextInt(words.size()));
            int n = Math.min(word.length, piece.length - at);
            System.arraycopy(word, 0, piece, at, n);
            at += n;
        }
    }
}
