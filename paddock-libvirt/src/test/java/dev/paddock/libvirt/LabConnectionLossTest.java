package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorEvent.HostEvent;
import dev.paddock.hypervisor.HypervisorEvent.HostEventKind;
import dev.paddock.hypervisor.HypervisorEvent.NetworkEvent;
import dev.paddock.hypervisor.HypervisorEvent.NetworkEventKind;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.HypervisorException.Reason;
import dev.paddock.hypervisor.NetworkSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A host whose network goes away is shown disconnected (keepalive), and connected again when it returns, with its
 * storage pool and network callbacks registered again on the new connection.
 */
@Tag("lab")
class LabConnectionLossTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();
    private static final int HOST = 3;

    private LibvirtHypervisor hypervisor;
    private final BlockingQueue<HypervisorEvent> events = new LinkedBlockingQueue<>();
    private String hostId;

    @BeforeEach
    void attach() {
        hypervisor = new LibvirtHypervisor(LAB.lab().settings());
        hypervisor.subscribe(events::add);
        Lab.Host host = LAB.lab().host(HOST);
        hostId = host.id();
        hypervisor.attach(host.id(), host.uri());
    }

    @AfterEach
    void restore() {
        try {
            LAB.lab().restoreNetwork(HOST);
        } finally {
            hypervisor.close();
        }
    }

    @Test
    @DisplayName("cutting the host's network raises DISCONNECTED; restoring it raises CONNECTED, calls work again and"
            + " network events come again")
    void disconnectAndReconnect() throws InterruptedException {
        assertThat(awaitHostEvent()).isEqualTo(HostEventKind.CONNECTED);

        LAB.lab().cutNetwork(HOST);

        assertThat(awaitHostEvent()).isEqualTo(HostEventKind.DISCONNECTED);
        assertThat(hypervisor.isConnected(hostId)).isFalse();
        assertThatThrownBy(() -> hypervisor.domains(hostId))
                .isInstanceOf(HypervisorException.class)
                .extracting(e -> ((HypervisorException) e).reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(hypervisor.facts(hostId).hostId()).as("the host is still known, only disconnected").isEqualTo(hostId);

        LAB.lab().restoreNetwork(HOST);

        assertThat(awaitHostEvent()).isEqualTo(HostEventKind.CONNECTED);
        assertThat(hypervisor.isConnected(hostId)).isTrue();
        assertThat(hypervisor.domains(hostId)).isNotNull();
        assertThat(networkEventsAfterDefining()).as("the new connection's callbacks, registered once")
                .containsExactly(NetworkEventKind.DEFINED, NetworkEventKind.STARTED);
    }

    /** The network events a network defined (and started) now brings within two seconds. */
    private List<NetworkEventKind> networkEventsAfterDefining() throws InterruptedException {
        String name = "lost-" + UUID.randomUUID().toString().substring(0, 8);
        List<NetworkEventKind> told = new ArrayList<>();
        try {
            hypervisor.defineNetwork(hostId, NetworkSpec.isolated(name));
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < deadline) {
                if (events.poll(100, TimeUnit.MILLISECONDS) instanceof NetworkEvent event
                        && event.hostId().equals(hostId) && event.network().equals(name)) {
                    told.add(event.kind());
                }
            }
        } finally {
            hypervisor.undefineNetwork(hostId, name);
        }
        return told;
    }

    private HostEventKind awaitHostEvent() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (System.nanoTime() < deadline) {
            HypervisorEvent event = events.poll(200, TimeUnit.MILLISECONDS);
            if (event instanceof HostEvent hostEvent && hostEvent.hostId().equals(hostId)) {
                return hostEvent.kind();
            }
        }
        throw new AssertionError("no host event for " + hostId + " within 45 s");
    }
}
