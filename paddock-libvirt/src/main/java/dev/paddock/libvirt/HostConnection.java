package dev.paddock.libvirt;

import dev.paddock.hypervisor.HostFacts;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.event.LifecycleListener;

/**
 * Paddock's link to one host: its URI and, while the link is up, the open libvirt connection and what the
 * host said of itself. A link that goes down stays registered and is reconnected in the background, so a
 * host that cannot be reached is shown as disconnected instead of disappearing.
 */
final class HostConnection {

    final String hostId;
    final String uri;
    private volatile Connect connect;
    private volatile LifecycleListener lifecycle;
    private volatile Optional<WatchdogEvents.Registration> watchdog = Optional.empty();
    private volatile Optional<PoolNetworkEvents.Registration> poolNetworkEvents = Optional.empty();
    private volatile HostFacts facts;
    private volatile HostCapabilities capabilities;
    private volatile boolean reconnecting;

    HostConnection(String hostId, String uri) {
        this.hostId = hostId;
        this.uri = uri;
    }

    Optional<Connect> connect() {
        return Optional.ofNullable(connect);
    }

    HostFacts facts() {
        return facts;
    }

    HostCapabilities capabilities() {
        return capabilities;
    }

    LifecycleListener lifecycle() {
        return lifecycle;
    }

    /** The watchdog callback registered on the current connection, if libvirt took it. */
    Optional<WatchdogEvents.Registration> watchdog() {
        return watchdog;
    }

    /** The storage pool and network callbacks registered on the current connection. */
    Optional<PoolNetworkEvents.Registration> poolNetworkEvents() {
        return poolNetworkEvents;
    }

    void up(Connect connect, LifecycleListener lifecycle, Optional<WatchdogEvents.Registration> watchdog,
            PoolNetworkEvents.Registration poolNetworkEvents, HostFacts facts, HostCapabilities capabilities) {
        this.lifecycle = lifecycle;
        this.watchdog = watchdog;
        this.poolNetworkEvents = Optional.of(poolNetworkEvents);
        this.facts = facts;
        this.capabilities = capabilities;
        this.connect = connect;
        this.reconnecting = false;
    }

    /**
     * The facts again with the disk capacity its storage pools hold now: read when they are listed, since space used
     * grows without any event.
     */
    void measured(long diskGib) {
        HostFacts known = facts;
        if (known != null && known.capacity().diskGib() != diskGib) {
            facts = known.withDiskGib(diskGib);
        }
    }

    /** Marks the link down if {@code lost} is still its connection; false when it was down already. */
    synchronized boolean down(Connect lost) {
        if (connect == null || connect != lost) {
            return false;
        }
        connect = null;
        return true;
    }

    /** True for the one caller that should start reconnecting. */
    synchronized boolean startReconnecting() {
        if (reconnecting || connect != null) {
            return false;
        }
        reconnecting = true;
        return true;
    }

    void stopReconnecting() {
        reconnecting = false;
    }
}
