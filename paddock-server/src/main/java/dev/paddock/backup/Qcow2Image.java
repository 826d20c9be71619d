package dev.paddock.backup;

import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A restore point's disk as a qcow2 image streamed from the repository: what a restore uploads into a new volume
 * (libvirt probes the format from the bytes, so the volume is qcow2 and can hold the bitmaps of the next backups), with
 * its exact length known before the first byte is read, as an upload needs it.
 *
 * <p>The layout ({@link Qcow2Layout}) is computed from the map alone: metadata first, then each extent's chunk in
 * offset order. Holes between extents are unallocated and never shipped, so the image is about as long as the
 * extents plus a few clusters of tables; zeros inside an extent stay allocated (the whole chunk is shipped, as the
 * repository holds it). Reading decodes one chunk at a time, when the stream reaches it, and checks it against its
 * name: a missing or corrupt chunk ends the stream with the repository's own {@link RepositoryException}, never with
 * an image that reads wrong. A stream holds one chunk and one metadata cluster whatever the disk's size.
 */
public final class Qcow2Image {

    /** An extent's content, checked; for the repository, its chunk decoded. */
    @FunctionalInterface
    public interface ExtentReader {
        byte[] read(Extent extent);
    }

    private final DiskMap map;
    private final Qcow2Layout layout;
    private final ExtentReader reader;

    private Qcow2Image(DiskMap map, ExtentReader reader) {
        this.map = map;
        this.layout = Qcow2Layout.of(map);
        this.reader = reader;
    }

    /** The image of {@code map}, each extent's bytes given by {@code reader} ({@link BackupRepository#openQcow2}). */
    public static Qcow2Image of(DiskMap map, ExtentReader reader) {
        return new Qcow2Image(map, reader);
    }

    /** The image's length in bytes: exactly what {@link #open} gives. */
    public long length() {
        return layout.length();
    }

    /** The disk's size as the image states it: the map's size rounded up to 512 bytes. */
    public long virtualSize() {
        return layout.virtualSize();
    }

    /** The image from its first byte; each call a new stream. */
    public InputStream open() {
        return new Stream();
    }

    /**
     * The image read front to back. The current window is either one metadata cluster or one extent's content with
     * the zeros that pad it to whole clusters; every window starts where the one before ended.
     */
    private final class Stream extends InputStream {

        private final byte[] metadata = new byte[Qcow2Layout.CLUSTER];
        private long position;
        private int nextExtent;
        private byte[] window = new byte[0];
        private long windowStart;
        private long windowEnd;

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int at, int length) {
            Objects.checkFromIndexSize(at, length, into.length);
            if (position >= layout.length()) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            if (position == windowEnd) {
                next();
            }
            int span = (int) Math.min(length, windowEnd - position);
            int within = (int) (position - windowStart);
            int present = Math.max(0, Math.min(span, window.length - within));
            if (present > 0) {
                System.arraycopy(window, within, into, at, present);
            }
            Arrays.fill(into, at + present, at + span, (byte) 0);
            position += span;
            return span;
        }

        @Override
        public void close() {
            window = new byte[0];
        }

        private void next() {
            long cluster = position / Qcow2Layout.CLUSTER;
            windowStart = position;
            if (cluster < layout.metadataClusters()) {
                layout.writeMetadata(cluster, metadata);
                window = metadata;
                windowEnd = position + Qcow2Layout.CLUSTER;
                return;
            }
            // Counted only once read: a read that failed fails again when tried again, never skips to the next.
            Extent extent = map.extents().get(nextExtent);
            window = new byte[0]; // the previous chunk may go before the next one is read
            byte[] content = reader.read(extent);
            if (content.length != extent.length()) {
                throw new IllegalStateException("the chunk of disk " + map.name() + " at offset " + extent.offset()
                        + " holds " + content.length + " bytes where its map says " + extent.length());
            }
            window = content;
            windowEnd = position + layout.dataClusters(nextExtent++) * Qcow2Layout.CLUSTER;
        }
    }
}
