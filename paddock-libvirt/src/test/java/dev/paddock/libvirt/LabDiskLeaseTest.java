package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.DomainInfo;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.model.VmState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Disk leases on lab hosts (libvirt's lockd lock manager, lockspace on the shared directory): the lease of a
 * running guest's disk is held by its host's virtlockd, the same disk cannot start elsewhere, and a host powered
 * off through its BMC leaves the lease free for another host.
 */
@Tag("lab")
class LabDiskLeaseTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    private static final Pattern POSIX_LOCK = Pattern.compile("POSIX\\s+ADVISORY\\s+WRITE\\s+(\\d+)\\s+\\S+:(\\d+)\\s");

    private LibvirtHypervisor hypervisor;
    private DomainSpec guest;

    @BeforeEach
    void attach() {
        hypervisor = new LibvirtHypervisor(LAB.lab().settings());
        for (Lab.Host host : LAB.lab().hosts()) {
            hypervisor.attach(host.id(), host.uri());
        }
        guest = LAB.lab().guest(UUID.randomUUID().toString(), "lease-" + UUID.randomUUID().toString().substring(0, 6), 1, 128);
    }

    @AfterEach
    void cleanUp() {
        try {
            if (LAB.lab().power(1) == Lab.Power.OFF) {
                LAB.lab().powerOn(1);
            }
            LabAwait.until("h1 connected again after its power-on", Duration.ofSeconds(60),
                    () -> hypervisor.isConnected("h1"));
            for (Lab.Host host : LAB.lab().hosts()) {
                remove(host.id());
            }
        } finally {
            hypervisor.close();
        }
    }

    @Test
    @DisplayName("a running guest's disk lease is locked by its host; the disk will not start on another host"
            + " until the first is powered off through its BMC")
    void leaseFollowsThePowerOfTheHost() throws Exception {
        Path lease = LAB.lab().shared().resolve("lockspace").resolve(sha256(guest.disks().getFirst().path()));
        hypervisor.define("h1", guest);
        hypervisor.start("h1", guest.uuid());

        assertThat(lease).exists();
        assertThat(lockHolder(lease)).as("the process locking " + lease)
                .hasValueSatisfying(pid -> assertThat(inNamespace(pid, "h1")).as("pid " + pid + " runs in h1").isTrue());

        hypervisor.define("h2", guest);
        assertThatThrownBy(() -> hypervisor.start("h2", guest.uuid()))
                .isInstanceOf(HypervisorException.class)
                .hasMessageContaining(guest.disks().getFirst().path());
        assertThat(state("h2")).isNotEqualTo(Optional.of(VmState.RUNNING));

        LAB.lab().powerOff(1);

        assertThat(LAB.lab().power(1)).isEqualTo(Lab.Power.OFF);
        assertThat(lockHolder(lease)).as("the lease once h1 is off").isEmpty();
        hypervisor.start("h2", guest.uuid());
        assertThat(lockHolder(lease)).as("the process locking " + lease)
                .hasValueSatisfying(pid -> assertThat(inNamespace(pid, "h2")).as("pid " + pid + " runs in h2").isTrue());
        OptionalLong first = awaitHeartbeat(OptionalLong.empty());
        awaitHeartbeat(first);
    }

    private OptionalLong awaitHeartbeat(OptionalLong after) {
        OptionalLong[] seen = {OptionalLong.empty()};
        LabAwait.until("a heartbeat of the guest beyond " + after, Duration.ofSeconds(60), () -> {
            seen[0] = LAB.lab().heartbeat(guest);
            return seen[0].isPresent() && (after.isEmpty() || seen[0].getAsLong() > after.getAsLong());
        });
        return seen[0];
    }

    private Optional<VmState> state(String host) {
        return hypervisor.domain(host, guest.uuid()).map(DomainInfo::state);
    }

    private void remove(String host) {
        try {
            Optional<DomainInfo> domain = hypervisor.domain(host, guest.uuid());
            if (domain.isPresent()) {
                if (domain.get().state() == VmState.RUNNING) {
                    hypervisor.destroy(host, guest.uuid());
                }
                hypervisor.undefine(host, guest.uuid());
            }
        } catch (HypervisorException e) {
            // a host that is still coming back keeps a stopped definition; nothing runs from it
        }
    }

    /** The pid holding a POSIX write lock on the file, as the kernel lists it in /proc/locks. */
    private static Optional<Long> lockHolder(Path file) throws IOException {
        long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
        for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
            Matcher matcher = POSIX_LOCK.matcher(line);
            if (matcher.find() && Long.parseLong(matcher.group(2)) == inode) {
                return Optional.of(Long.parseLong(matcher.group(1)));
            }
        }
        return Optional.empty();
    }

    private static boolean inNamespace(long pid, String namespace) {
        try {
            Object process = Files.getAttribute(Path.of("/proc/" + pid + "/ns/net"), "unix:ino");
            Object named = Files.getAttribute(Path.of("/run/netns/" + namespace), "unix:ino");
            return process.equals(named);
        } catch (IOException e) {
            return false;
        }
    }

    private static String sha256(String text) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
