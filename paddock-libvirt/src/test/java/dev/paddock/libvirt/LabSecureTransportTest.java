package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.MigrationOptions;
import dev.paddock.model.VmState;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hosts managed over {@code qemu+tls://} (libvirtd's TLS port with the lab CA's server certificates, a client
 * certificate of that CA accepted, one of another CA refused by the host) and over SSH ({@code qemu+libssh://} to
 * each host's sshd, the host key checked, the lab's key accepted, another refused).
 */
@Tag("lab")
class LabSecureTransportTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    private LibvirtHypervisor hypervisor;
    private DomainSpec guest;

    @BeforeEach
    void open() {
        hypervisor = new LibvirtHypervisor(LAB.lab().settings());
        String uuid = UUID.randomUUID().toString();
        guest = LAB.lab().guest(uuid, "tls-" + uuid.substring(0, 8), 1, 128);
    }

    @AfterEach
    void close() {
        try {
            for (String host : java.util.List.of("tls-h1", "tls-h2", "ssh-h1", "ssh-h2")) {
                if (hypervisor.isConnected(host) && hypervisor.domain(host, guest.uuid()).isPresent()) {
                    hypervisor.destroy(host, guest.uuid());
                    hypervisor.undefine(host, guest.uuid());
                }
            }
        } finally {
            hypervisor.close();
        }
    }

    @Test
    @DisplayName("two hosts attached over TLS with the lab CA's client certificate run a guest and migrate it live")
    void managedOverTls() {
        var h1 = hypervisor.attach("tls-h1", LAB.lab().tlsUri(1));
        var h2 = hypervisor.attach("tls-h2", LAB.lab().tlsUri(2));
        assertThat(h1.hostname()).isEqualTo("h1");
        assertThat(h2.hostname()).isEqualTo("h2");
        assertThat(h1.uri()).startsWith("qemu+tls://");

        hypervisor.define("tls-h1", guest);
        hypervisor.start("tls-h1", guest.uuid());
        long before = awaitHeartbeatAbove(0, Duration.ofSeconds(60));
        // Peer to peer: h1's libvirtd opens h2's TLS port itself, with the client certificate the URI names.
        hypervisor.migrate(guest.uuid(), "tls-h1", "tls-h2", new MigrationOptions(Optional.empty(),
                Optional.empty(), Optional.empty()), progress -> { });

        assertThat(hypervisor.domain("tls-h2", guest.uuid())).map(d -> d.state()).contains(VmState.RUNNING);
        assertThat(hypervisor.domain("tls-h1", guest.uuid())).isEmpty();
        awaitHeartbeatAbove(before, Duration.ofSeconds(30));
    }

    @Test
    @DisplayName("a client certificate of another CA is refused by the host, and attach says it cannot connect")
    void otherCaRefused() {
        assertThatThrownBy(() -> hypervisor.attach("rogue-h1", LAB.lab().rogueTlsUri(1)))
                .isInstanceOf(HypervisorException.class)
                .hasMessageContaining("qemu+tls://")
                .hasMessageContaining("TLS");
        assertThat(hypervisor.isConnected("rogue-h1")).isFalse();
    }

    @Test
    @DisplayName("two hosts attached over SSH with the lab's key run a guest and migrate it live peer to peer")
    void managedOverSsh() {
        var h1 = hypervisor.attach("ssh-h1", LAB.lab().sshUri(1));
        var h2 = hypervisor.attach("ssh-h2", LAB.lab().sshUri(2));
        assertThat(h1.hostname()).isEqualTo("h1");
        assertThat(h2.hostname()).isEqualTo("h2");

        hypervisor.define("ssh-h1", guest);
        hypervisor.start("ssh-h1", guest.uuid());
        long before = awaitHeartbeatAbove(0, Duration.ofSeconds(60));
        hypervisor.migrate(guest.uuid(), "ssh-h1", "ssh-h2", new MigrationOptions(Optional.empty(),
                Optional.empty(), Optional.empty()), progress -> { });

        assertThat(hypervisor.domain("ssh-h2", guest.uuid())).map(d -> d.state()).contains(VmState.RUNNING);
        assertThat(hypervisor.domain("ssh-h1", guest.uuid())).isEmpty();
        awaitHeartbeatAbove(before, Duration.ofSeconds(30));
    }

    @Test
    @DisplayName("a key the host does not accept is refused, and attach says it cannot connect")
    void otherKeyRefused() {
        assertThatThrownBy(() -> hypervisor.attach("ssh-other", LAB.lab().otherKeySshUri(1)))
                .isInstanceOf(HypervisorException.class)
                .hasMessageContaining("qemu+libssh://")
                .hasMessageContaining("authenticate");
        assertThat(hypervisor.isConnected("ssh-other")).isFalse();
    }

    private long awaitHeartbeatAbove(long floor, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        OptionalLong beat = OptionalLong.empty();
        while (System.nanoTime() < deadline) {
            beat = LAB.lab().heartbeat(guest);
            if (beat.isPresent() && beat.getAsLong() > floor) {
                return beat.getAsLong();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("heartbeat did not pass " + floor + " within " + timeout + " (last " + beat + ")");
    }
}
