package dev.paddock.backup.nbd;

import dev.paddock.backup.ChangedRange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Ranges of an NBD export read from its metadata contexts: what a dirty bitmap marks changed since its checkpoint
 * (what an incremental point reads), and what {@code base:allocation} says reads as zeros (what no backup reads).
 * Each list is in offset order with touching ranges merged.
 */
public final class DirtyExtents {

    /** The context name libvirt and qemu give a dirty bitmap on an NBD export. */
    public static String bitmapContext(String bitmap) {
        return "qemu:dirty-bitmap:" + bitmap;
    }

    private DirtyExtents() {}

    /** The ranges of the whole export that bitmap {@code bitmap} marks dirty; its context must be negotiated. */
    public static List<ChangedRange> dirty(NbdClient client, String bitmap) throws IOException {
        return ranges(client.blockStatus(bitmapContext(bitmap), 0, client.export().size()), NbdClient.STATE_DIRTY);
    }

    /** The ranges of the whole export that read as zeros (holes among them); needs {@code base:allocation}. */
    public static List<ChangedRange> zeros(NbdClient client) throws IOException {
        return ranges(client.blockStatus(NbdClient.BASE_ALLOCATION, 0, client.export().size()),
                NbdClient.STATE_ZERO);
    }

    /** The statuses with {@code flag} set, as ranges in offset order, touching ones merged. */
    static List<ChangedRange> ranges(List<NbdClient.Status> statuses, int flag) {
        List<ChangedRange> ranges = new ArrayList<>();
        for (NbdClient.Status status : statuses) {
            if ((status.flags() & flag) == 0 || status.length() == 0) {
                continue;
            }
            if (!ranges.isEmpty() && ranges.getLast().end() == status.offset()) {
                ChangedRange last = ranges.removeLast();
                ranges.add(new ChangedRange(last.offset(), last.length() + status.length()));
            } else {
                ranges.add(new ChangedRange(status.offset(), status.length()));
            }
        }
        return ranges;
    }
}
