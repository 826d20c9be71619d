package dev.paddock.libvirt;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.paddock.hypervisor.HypervisorEvent.NetworkEventKind;
import dev.paddock.hypervisor.HypervisorEvent.PoolEventKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.jna.ConnectionPointer;
import org.libvirt.jna.Libvirt;
import org.libvirt.jna.NetworkPointer;
import org.libvirt.jna.StoragePoolPointer;

/**
 * libvirt's storage pool events (lifecycle and refresh) and network lifecycle events, which libvirt-java 0.5.4 does
 * not bind: registered with {@code virConnectStoragePoolEventRegisterAny} and {@code
 * virConnectNetworkEventRegisterAny} through JNA, on the event loop that carries the domain events.
 *
 * <p>As with {@link WatchdogEvents}, the callback objects are kept by the registration for as long as libvirt holds
 * them (a collected callback called from native code crashes the JVM), and are deregistered before the connection
 * closes. The pool or network a callback receives is libvirt's, freed by it once the callback returns: only its
 * name is read.
 */
final class PoolNetworkEvents {

    /** {@code VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE} and {@code VIR_STORAGE_POOL_EVENT_ID_REFRESH}. */
    static final int POOL_LIFECYCLE = 0;
    static final int POOL_REFRESH = 1;
    /** {@code VIR_NETWORK_EVENT_ID_LIFECYCLE}. */
    static final int NETWORK_LIFECYCLE = 0;

    /** What the callbacks hand on, on libvirt's event loop thread: it must only enqueue. */
    interface Listener {
        void pool(String name, PoolEventKind kind);

        void network(String name, NetworkEventKind kind);

        /** An event code this version of Paddock does not know (a newer libvirt's). */
        void unknown(String what, String name, int code);
    }

    /** {@code virConnectStoragePoolEventLifecycleCallback}. */
    interface PoolLifecycleCallback extends Callback {
        void invoke(ConnectionPointer connection, StoragePoolPointer pool, int event, int detail, Pointer opaque);
    }

    /** {@code virConnectStoragePoolEventGenericCallback}, which the refresh event uses. */
    interface PoolGenericCallback extends Callback {
        void invoke(ConnectionPointer connection, StoragePoolPointer pool, Pointer opaque);
    }

    /** {@code virConnectNetworkEventLifecycleCallback}. */
    interface NetworkLifecycleCallback extends Callback {
        void invoke(ConnectionPointer connection, NetworkPointer network, int event, int detail, Pointer opaque);
    }

    private interface Virt extends Library {
        int virConnectStoragePoolEventRegisterAny(ConnectionPointer connection, StoragePoolPointer pool, int eventId,
                PoolLifecycleCallback callback, Pointer opaque, Pointer free);

        int virConnectStoragePoolEventRegisterAny(ConnectionPointer connection, StoragePoolPointer pool, int eventId,
                PoolGenericCallback callback, Pointer opaque, Pointer free);

        int virConnectStoragePoolEventDeregisterAny(ConnectionPointer connection, int callbackId);

        int virConnectNetworkEventRegisterAny(ConnectionPointer connection, NetworkPointer network, int eventId,
                NetworkLifecycleCallback callback, Pointer opaque, Pointer free);

        int virConnectNetworkEventDeregisterAny(ConnectionPointer connection, int callbackId);
    }

    private static final Virt VIRT = Native.load("virt", Virt.class);

    /**
     * The callbacks one connection took: the ids libvirt gave, and the callback objects, held here so that they live
     * as long as the registration. A driver that offers none of these events leaves both lists empty.
     */
    record Registration(Connect connect, List<Integer> poolIds, List<Integer> networkIds, List<Callback> callbacks) {
        boolean isEmpty() {
            return poolIds.isEmpty() && networkIds.isEmpty();
        }
    }

    private PoolNetworkEvents() {}

    /** Registers for every pool and network of the connection, as far as its driver offers these events. */
    static Registration register(Connect connect, Listener listener) {
        ConnectionPointer pointer = WatchdogEvents.pointer(connect);
        List<Integer> poolIds = new ArrayList<>();
        List<Integer> networkIds = new ArrayList<>();
        List<Callback> callbacks = new ArrayList<>();
        PoolLifecycleCallback lifecycle = (connection, pool, event, detail, opaque) -> {
            String name = Libvirt.INSTANCE.virStoragePoolGetName(pool);
            poolKind(event).ifPresentOrElse(kind -> listener.pool(name, kind),
                    () -> listener.unknown("storage pool", name, event));
        };
        PoolGenericCallback refresh = (connection, pool, opaque) ->
                listener.pool(Libvirt.INSTANCE.virStoragePoolGetName(pool), PoolEventKind.REFRESHED);
        NetworkLifecycleCallback network = (connection, net, event, detail, opaque) -> {
            String name = Libvirt.INSTANCE.virNetworkGetName(net);
            networkKind(event).ifPresentOrElse(kind -> listener.network(name, kind),
                    () -> listener.unknown("network", name, event));
        };
        keep(VIRT.virConnectStoragePoolEventRegisterAny(pointer, null, POOL_LIFECYCLE, lifecycle, null, null),
                lifecycle, poolIds, callbacks);
        keep(VIRT.virConnectStoragePoolEventRegisterAny(pointer, null, POOL_REFRESH, refresh, null, null),
                refresh, poolIds, callbacks);
        keep(VIRT.virConnectNetworkEventRegisterAny(pointer, null, NETWORK_LIFECYCLE, network, null, null),
                network, networkIds, callbacks);
        return new Registration(connect, List.copyOf(poolIds), List.copyOf(networkIds), List.copyOf(callbacks));
    }

    private static void keep(int id, Callback callback, List<Integer> ids, List<Callback> callbacks) {
        if (id >= 0) {
            ids.add(id);
            callbacks.add(callback);
        }
    }

    static void deregister(Registration registration) {
        ConnectionPointer pointer = WatchdogEvents.pointer(registration.connect());
        registration.poolIds().forEach(id -> VIRT.virConnectStoragePoolEventDeregisterAny(pointer, id));
        registration.networkIds().forEach(id -> VIRT.virConnectNetworkEventDeregisterAny(pointer, id));
    }

    /** The port's kind for libvirt's {@code virStoragePoolEventLifecycleType}; empty for a code it does not know. */
    static Optional<PoolEventKind> poolKind(int code) {
        return switch (code) {
            case 0 -> Optional.of(PoolEventKind.DEFINED);
            case 1 -> Optional.of(PoolEventKind.UNDEFINED);
            case 2 -> Optional.of(PoolEventKind.STARTED);
            case 3 -> Optional.of(PoolEventKind.STOPPED);
            case 4 -> Optional.of(PoolEventKind.CREATED);
            case 5 -> Optional.of(PoolEventKind.DELETED);
            default -> Optional.empty();
        };
    }

    /** The port's kind for libvirt's {@code virNetworkEventLifecycleType}; empty for a code it does not know. */
    static Optional<NetworkEventKind> networkKind(int code) {
        return switch (code) {
            case 0 -> Optional.of(NetworkEventKind.DEFINED);
            case 1 -> Optional.of(NetworkEventKind.UNDEFINED);
            case 2 -> Optional.of(NetworkEventKind.STARTED);
            case 3 -> Optional.of(NetworkEventKind.STOPPED);
            default -> Optional.empty();
        };
    }
}
