package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorEvent.HostEvent;
import dev.paddock.hypervisor.HypervisorEvent.HostEventKind;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.HypervisorException.Reason;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A host whose network goes away is shown disconnected (keepalive), and connected again when it returns. */
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
    @DisplayName("cutting the host's network raises DISCONNECTED; restoring it raises CONNECTED and calls work again")
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
