package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HypervisorEvent;
import dev.paddock.hypervisor.HypervisorEvent.DomainEvent;
import dev.paddock.hypervisor.HypervisorEvent.DomainEventKind;
import dev.paddock.model.VmState;
import java.time.Duration;
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
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * A domain made on a managed host behind Paddock's back (straight through libvirt) is seen from events within
 * 2 s, is told apart from Paddock's own by the ownership mark, and can be quarantined.
 */
@Tag("lab")
class LabRogueDomainTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    private LibvirtHypervisor hypervisor;
    private final BlockingQueue<HypervisorEvent> events = new LinkedBlockingQueue<>();
    private Lab.Host host;
    private final String rogue = UUID.randomUUID().toString();

    @BeforeEach
    void attach() {
        hypervisor = new LibvirtHypervisor(LAB.lab().settings());
        hypervisor.subscribe(events::add);
        host = LAB.lab().host(1);
        hypervisor.attach(host.id(), host.uri());
    }

    @AfterEach
    void remove() {
        try {
            if (hypervisor.domain(host.id(), rogue).isPresent()) {
                hypervisor.destroy(host.id(), rogue);
                hypervisor.undefine(host.id(), rogue);
            }
        } finally {
            hypervisor.close();
        }
    }

    @Test
    @DisplayName("a domain started behind Paddock's back is told within 2 s, unmarked, and quarantine pauses and isolates it")
    void rogueDomain() throws Exception {
        long before = System.nanoTime();
        createBehindPaddocksBack();

        DomainEvent started = awaitEvent(rogue, DomainEventKind.STARTED, Duration.ofSeconds(2));
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
        assertThat(started.hostId()).isEqualTo(host.id());
        assertThat(hypervisor.rogues().isPaddockDomain(host.id(), rogue)).isFalse();

        hypervisor.rogues().quarantine(host.id(), rogue);

        assertThat(hypervisor.domain(host.id(), rogue).orElseThrow().state()).isEqualTo(VmState.PAUSED);
        assertThat(hypervisor.rogues().linkStates(host.id(), rogue)).isNotEmpty().doesNotContainValue(true);
    }

    @Test
    @DisplayName("a domain defined through Paddock carries the ownership mark")
    void paddockDomainIsMarked() {
        String uuid = UUID.randomUUID().toString();
        DomainSpec spec = LAB.lab().guest(uuid, "own-" + uuid.substring(0, 8), 1, 128);
        hypervisor.define(host.id(), spec);
        try {
            assertThat(hypervisor.rogues().isPaddockDomain(host.id(), uuid)).isTrue();
        } finally {
            hypervisor.undefine(host.id(), uuid);
        }
    }

    /** What an administrator with virsh would do: a transient guest created directly on the host. */
    private void createBehindPaddocksBack() throws LibvirtException {
        String shared = LAB.lab().shared().toString();
        String xml = """
                <domain type='qemu'>
                  <name>rogue-%s</name><uuid>%s</uuid>
                  <memory unit='MiB'>128</memory><vcpu>1</vcpu>
                  <os><type arch='x86_64' machine='q35'>hvm</type>
                    <kernel>%s/vmlinuz</kernel><initrd>%s/initrd.img</initrd><cmdline>console=ttyS0 quiet</cmdline></os>
                  <devices>
                    <interface type='bridge'><mac address='52:54:00:ee:00:01'/><source bridge='vmbr0'/><model type='virtio'/></interface>
                    <memballoon model='none'/>
                  </devices>
                </domain>
                """.formatted(rogue.substring(0, 8), rogue, shared, shared);
        Connect direct = new Connect(host.uri(), false);
        try {
            Domain domain = direct.domainCreateXML(xml, 0);
            domain.free();
        } finally {
            direct.close();
        }
    }

    private DomainEvent awaitEvent(String uuid, DomainEventKind kind, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            HypervisorEvent event = events.poll(50, TimeUnit.MILLISECONDS);
            if (event instanceof DomainEvent domainEvent && domainEvent.uuid().equals(uuid) && domainEvent.kind() == kind) {
                return domainEvent;
            }
        }
        throw new AssertionError("no " + kind + " event for " + uuid + " within " + timeout);
    }
}
