package dev.paddock.hypervisor;

/**
 * A running domain's serial console opened as a byte stream, both ways: what the guest writes to its first serial
 * port arrives through {@link #read}, what is {@link #write}n reaches the guest as typed. A domain has one such
 * stream at a time; the file log of the console goes on beside it.
 */
public interface SerialConsole extends AutoCloseable {

    /**
     * Blocks until the guest wrote something, and copies up to {@code buffer.length} bytes of it.
     *
     * @return the number of bytes copied, or -1 once the stream ended: the domain stopped, another client took the
     *     console over, or this side was closed
     */
    int read(byte[] buffer);

    /** Sends {@code length} bytes of {@code data} from {@code offset} to the guest. */
    void write(byte[] data, int offset, int length);

    /** Ends the stream; a {@link #read} blocked on it returns -1. Closing it again changes nothing. */
    @Override
    void close();
}
