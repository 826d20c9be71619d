package dev.paddock.backup;

/** Bytes of a disk that changed since the previous point (from a dirty bitmap), {@code length} from {@code offset}. */
public record ChangedRange(long offset, long length) {

    public ChangedRange {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("a changed range has an offset >= 0 and a length > 0");
        }
    }

    public long end() {
        return offset + length;
    }
}
