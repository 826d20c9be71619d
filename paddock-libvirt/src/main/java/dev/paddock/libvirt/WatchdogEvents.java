package dev.paddock.libvirt;

import com.sun.jna.Pointer;
import dev.paddock.model.Watchdog;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.jna.ConnectionPointer;
import org.libvirt.jna.DomainPointer;
import org.libvirt.jna.Libvirt;

/**
 * libvirt's watchdog event ({@code VIR_DOMAIN_EVENT_ID_WATCHDOG}), which libvirt-java 0.5.4 does not wrap: it is
 * registered with {@code virConnectDomainEventRegisterAny} through libvirt-java's own JNA binding, on the same
 * event loop as the lifecycle events.
 *
 * <p>The connection's native pointer is a protected field of {@link Connect}; it is read once per registration.
 * The callback object is kept by the caller for as long as it is registered: libvirt calls it from native code,
 * and a collected callback would crash the JVM.
 */
final class WatchdogEvents {

    /** {@code VIR_DOMAIN_EVENT_ID_WATCHDOG} in libvirt's virDomainEventID. */
    static final int EVENT_ID = 3;
    private static final int UUID_STRING_BUFLEN = 37;

    /** What the callback hands on: the domain's UUID and name, and libvirt's action code. */
    interface Listener {
        void fired(String uuid, String name, int action);
    }

    /** libvirt's {@code virConnectDomainEventWatchdogCallback}. */
    interface Callback extends Libvirt.VirDomainEventCallback {
        void eventCallback(ConnectionPointer connection, DomainPointer domain, int action, Pointer opaque);
    }

    /** A registered callback: keep it while registered, close it before the connection. */
    record Registration(Connect connect, int id, Callback callback) {}

    private WatchdogEvents() {}

    /** Registers for every domain of the connection; empty when libvirt refuses (the driver has no such event). */
    static Optional<Registration> register(Connect connect, Listener listener) {
        // The domain is libvirt's to free after the callback returns; only its name and UUID are read.
        Callback callback = (connection, domain, action, opaque) -> {
            byte[] uuid = new byte[UUID_STRING_BUFLEN];
            if (Libvirt.INSTANCE.virDomainGetUUIDString(domain, uuid) == 0) {
                listener.fired(new String(uuid, 0, UUID_STRING_BUFLEN - 1, StandardCharsets.US_ASCII),
                        Libvirt.INSTANCE.virDomainGetName(domain), action);
            }
        };
        int id = Libvirt.INSTANCE.virConnectDomainEventRegisterAny(pointer(connect), null, EVENT_ID, callback, null,
                null);
        return id < 0 ? Optional.empty() : Optional.of(new Registration(connect, id, callback));
    }

    static void deregister(Registration registration) {
        Libvirt.INSTANCE.virConnectDomainEventDeregisterAny(pointer(registration.connect()), registration.id());
    }

    /**
     * The port's action for libvirt's {@code virDomainEventWatchdogAction}. Paddock defines only the first four;
     * a domain made elsewhere may use the others: a guest shut down ends off (POWEROFF), a debug message or an
     * injected NMI leaves the domain running (NONE).
     */
    static Optional<Watchdog.Action> action(int code) {
        return switch (code) {
            case 0, 5, 6 -> Optional.of(Watchdog.Action.NONE);
            case 1 -> Optional.of(Watchdog.Action.PAUSE);
            case 2 -> Optional.of(Watchdog.Action.RESET);
            case 3, 4 -> Optional.of(Watchdog.Action.POWEROFF);
            default -> Optional.empty();
        };
    }

    /** The connection's native pointer, for calls libvirt-java does not bind. */
    static ConnectionPointer pointer(Connect connect) {
        try {
            Field field = Connect.class.getDeclaredField("vcp");
            field.setAccessible(true);
            return (ConnectionPointer) field.get(connect);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("libvirt-java's Connect has no connection pointer field 'vcp'", e);
        }
    }
}
