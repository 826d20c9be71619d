package dev.paddock.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.HypervisorException.Reason;
import dev.paddock.hypervisor.SerialConsole;
import java.lang.reflect.Field;
import java.time.Duration;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.Stream;
import org.libvirt.jna.DomainPointer;
import org.libvirt.jna.Libvirt;
import org.libvirt.jna.StreamPointer;
import org.libvirt.jna.virError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * virDomainOpenConsole, which libvirt-java 0.5.4 does not bind, on a non-blocking libvirt stream.
 *
 * <p>The stream is read without blocking, polled every few milliseconds: libvirt-java's {@link Stream#receive}
 * cannot report "no data yet" (it moves its buffer by -2 and throws), and a blocking receive could not be ended from
 * another thread when the client leaves. Incoming console bytes are queued by libvirt's event loop meanwhile, so a
 * poll costs a local call, not a round trip to the host. One lock keeps a close from freeing the stream under a
 * send or a receive.
 */
final class DomainConsoles {

    private static final Logger LOG = LoggerFactory.getLogger(DomainConsoles.class);
    /** virDomainConsoleFlags VIR_DOMAIN_CONSOLE_FORCE: abort another client's console stream and take its place. */
    private static final int CONSOLE_FORCE = 1;
    /** virStreamRecv and virStreamSend's answer on a non-blocking stream with nothing to give or no room. */
    private static final int AGAIN = -2;
    private static final Duration POLL = Duration.ofMillis(15);

    private interface Virt extends Library {
        int virDomainOpenConsole(DomainPointer domain, String device, StreamPointer stream, int flags);

        int virStreamRecv(StreamPointer stream, byte[] data, NativeLong length);

        int virStreamSend(StreamPointer stream, byte[] data, NativeLong length);
    }

    private static final Virt VIRT = Native.load("virt", Virt.class);

    private DomainConsoles() {}

    /** Opens the first console of a running domain; {@code force} takes it over from whoever holds it. */
    static SerialConsole open(Connect connect, Domain domain, String uuid, boolean force) throws LibvirtException {
        if (domain.isActive() != 1) {
            throw new HypervisorException(Reason.INVALID_STATE, "Domain " + domain.getName() + " does not run; its"
                    + " console opens only while it runs.");
        }
        Stream stream = connect.streamNew(Stream.VIR_STREAM_NONBLOCK);
        StreamPointer pointer = pointer(stream);
        if (VIRT.virDomainOpenConsole(pointer(domain), null, pointer, force ? CONSOLE_FORCE : 0) < 0) {
            String said = lastError();
            freeQuietly(stream);
            if (said.contains("Active console session exists")) {
                throw new HypervisorException(Reason.INVALID_STATE, "Another client holds the console of domain "
                        + domain.getName() + "; force takes it over.");
            }
            throw new HypervisorException(said.contains("character device") || said.contains("console")
                    ? Reason.INVALID_STATE : Reason.FAILED, "libvirt did not open the console of domain "
                    + domain.getName() + (said.isEmpty() ? "" : ": " + said));
        }
        return new Opened(stream, pointer, uuid);
    }

    private static final class Opened implements SerialConsole {
        private final Stream stream;
        private final StreamPointer pointer;
        private final String uuid;
        private final Object lock = new Object();
        private boolean closed;

        Opened(Stream stream, StreamPointer pointer, String uuid) {
            this.stream = stream;
            this.pointer = pointer;
            this.uuid = uuid;
        }

        @Override
        public int read(byte[] buffer) {
            while (true) {
                int got;
                synchronized (lock) {
                    if (closed) {
                        return -1;
                    }
                    got = VIRT.virStreamRecv(pointer, buffer, new NativeLong(buffer.length));
                    if (got == 0 || (got < 0 && got != AGAIN)) {
                        LOG.debug("console stream of domain {} ended: {}", uuid, got == 0 ? "end of stream" : lastError());
                        end();
                        return -1;
                    }
                }
                if (got > 0) {
                    return got;
                }
                pause();
            }
        }

        @Override
        public void write(byte[] data, int offset, int length) {
            byte[] left = offset == 0 && length == data.length ? data
                    : java.util.Arrays.copyOfRange(data, offset, offset + length);
            while (left.length > 0) {
                int sent;
                synchronized (lock) {
                    if (closed) {
                        throw new HypervisorException(Reason.INVALID_STATE, "the console of domain " + uuid
                                + " is closed");
                    }
                    sent = VIRT.virStreamSend(pointer, left, new NativeLong(left.length));
                    if (sent < 0 && sent != AGAIN) {
                        String said = lastError();
                        end();
                        throw new HypervisorException(Reason.FAILED, "the console of domain " + uuid
                                + " took no more input: " + said);
                    }
                }
                if (sent > 0) {
                    left = java.util.Arrays.copyOfRange(left, sent, left.length);
                } else {
                    pause();
                }
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                try {
                    stream.abort();
                } catch (LibvirtException e) {
                    LOG.debug("aborting the console stream of domain {}: {}", uuid, e.getMessage());
                }
                end();
            }
        }

        /** Frees the stream; called under the lock. */
        private void end() {
            closed = true;
            freeQuietly(stream);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorException(Reason.FAILED, "interrupted while waiting on a console");
        }
    }

    private static String lastError() {
        virError error = Libvirt.INSTANCE.virGetLastError();
        return error == null || error.message == null ? "" : error.message;
    }

    private static void freeQuietly(Stream stream) {
        try {
            stream.free();
        } catch (LibvirtException e) {
            LOG.debug("freeing a console stream: {}", e.getMessage());
        }
    }

    private static DomainPointer pointer(Domain domain) {
        return (DomainPointer) field(Domain.class, "vdp", domain);
    }

    private static StreamPointer pointer(Stream stream) {
        return (StreamPointer) field(Stream.class, "vsp", stream);
    }

    private static Object field(Class<?> type, String name, Object of) {
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(of);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("libvirt-java's " + type.getSimpleName() + " has no pointer field '"
                    + name + "'", e);
        }
    }
}
