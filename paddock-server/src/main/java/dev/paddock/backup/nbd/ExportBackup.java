package dev.paddock.backup.nbd;

import dev.paddock.backup.ChangedRange;
import dev.paddock.backup.DiskWrite;
import dev.paddock.backup.PointWriter;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a disk of a restore point from an NBD export (libvirt's pull-mode backup): whole, or as the changes a dirty
 * bitmap marks laid over the previous point's map. A span {@code base:allocation} says reads as zeros throughout is
 * never asked of the server: it is zeros here too, which the repository stores as a hole.
 */
public final class ExportBackup {

    private final NbdClient client;
    private final List<ChangedRange> zeros;

    private ExportBackup(NbdClient client, List<ChangedRange> zeros) {
        this.client = client;
        this.zeros = zeros;
    }

    /** Reads through {@code client}, skipping its zero ranges when it negotiated {@code base:allocation}. */
    public static ExportBackup of(NbdClient client) throws IOException {
        return new ExportBackup(client, client.hasContext(NbdClient.BASE_ALLOCATION)
                ? DirtyExtents.zeros(client) : List.of());
    }

    /** Writes disk {@code disk} of the point from the whole export. */
    public DiskWrite full(PointWriter writer, String disk) {
        return writer.writeDisk(disk, new ExportStream());
    }

    /**
     * Writes disk {@code disk} of the point (begun over a parent) as the parent's map with the ranges dirty bitmap
     * {@code bitmap} marks read from the export; the client must have negotiated the bitmap's context.
     */
    public DiskWrite changes(PointWriter writer, String disk, String bitmap) throws IOException {
        List<ChangedRange> dirty = DirtyExtents.dirty(client, bitmap);
        return writer.writeChanges(disk, client.export().size(), dirty, this::read);
    }

    /**
     * Fills {@code into[at, at + length)} from {@code offset}: zeros without a request when the export reads as zeros
     * over the whole span, else one read of the span. The server sends the zero ranges inside it as hole chunks
     * (structured replies), which carry no bytes, so one request a span costs no more on the wire than one request
     * a data range would, and saves a round trip for each data range but the first: a disk whose data lies in many
     * pieces reads at the pace of its bytes, not of its round trips.
     */
    void read(long offset, byte[] into, int at, int length) throws IOException {
        int index = firstZeroEndingAfter(offset);
        ChangedRange zero = index < zeros.size() ? zeros.get(index) : null;
        if (zero != null && zero.offset() <= offset && zero.end() >= offset + length) {
            Arrays.fill(into, at, at + length, (byte) 0);
        } else {
            client.read(offset, into, at, length);
        }
    }

    /** The index of the first zero range that ends after {@code position} (binary search: the list is sorted). */
    private int firstZeroEndingAfter(long position) {
        int low = 0;
        int high = zeros.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (zeros.get(middle).end() <= position) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** The export from its start to its end as a stream, for a full point. */
    private final class ExportStream extends InputStream {
        private long position;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
        }

        @Override
        public int read(byte[] buffer, int at, int length) throws IOException {
            long left = client.export().size() - position;
            if (length == 0) {
                return 0;
            }
            if (left <= 0) {
                return -1;
            }
            int count = (int) Math.min(length, left);
            ExportBackup.this.read(position, buffer, at, count);
            position += count;
            return count;
        }
    }
}
