package dev.paddock.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.model.Watchdog;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DomainSpecTest {

    static final DomainSpec.DirectBoot BOOT = new DomainSpec.DirectBoot("/shared/vmlinuz", "/shared/initrd.img",
            "console=ttyS0");
    static final DomainSpec WANTED = DomainSpec.of("vm-1", "web-1", 2, 1_024)
            .withDisks(List.of(new DomainSpec.DiskSpec("vda", "/var/lib/paddock/ds-1/web-1-root.qcow2", "qcow2", 8)))
            .withNics(List.of(new DomainSpec.NicSpec("52:54:00:00:00:01", "prod", Optional.of(120))))
            .withWatchdog(new Watchdog(Watchdog.Model.I6300ESB, Watchdog.Action.RESET));

    /** One held definition per field, differing from {@link #WANTED} in that field only. */
    static Stream<Arguments> oneFieldDiffers() {
        return Stream.of(
                held("the name", s -> new DomainSpec(s.uuid(), "web-2", s.vcpus(), s.memoryMib(), s.disks(),
                        s.nics(), s.directBoot(), s.watchdog())),
                held("the vCPUs", s -> new DomainSpec(s.uuid(), s.name(), 3, s.memoryMib(), s.disks(), s.nics(),
                        s.directBoot(), s.watchdog())),
                held("the memory", s -> new DomainSpec(s.uuid(), s.name(), s.vcpus(), 2_048, s.disks(), s.nics(),
                        s.directBoot(), s.watchdog())),
                held("no disk", s -> s.withDisks(List.of())),
                held("a disk's path", s -> s.withDisks(List.of(new DomainSpec.DiskSpec("vda",
                        "/var/lib/paddock/ds-2/web-1-root.qcow2", "qcow2", 8)))),
                held("a disk's size", s -> s.withDisks(List.of(new DomainSpec.DiskSpec("vda",
                        "/var/lib/paddock/ds-1/web-1-root.qcow2", "qcow2", 16)))),
                held("no NIC", s -> s.withNics(List.of())),
                held("a NIC's network", s -> s.withNics(List.of(new DomainSpec.NicSpec("52:54:00:00:00:01",
                        "backup", Optional.of(120))))),
                held("a NIC's VLAN", s -> s.withNics(List.of(new DomainSpec.NicSpec("52:54:00:00:00:01", "prod",
                        Optional.empty())))),
                held("a NIC's MAC", s -> s.withNics(List.of(new DomainSpec.NicSpec("52:54:00:00:00:02", "prod",
                        Optional.of(120))))),
                held("no watchdog", s -> s.withWatchdog(Optional.empty())),
                held("the watchdog's action", s -> s.withWatchdog(new Watchdog(Watchdog.Model.I6300ESB,
                        Watchdog.Action.POWEROFF))),
                held("the watchdog's model", s -> s.withWatchdog(new Watchdog(Watchdog.Model.ITCO,
                        Watchdog.Action.RESET))));
    }

    private static Arguments held(String field, UnaryOperator<DomainSpec> change) {
        return Arguments.of(field, change.apply(WANTED));
    }

    @ParameterizedTest(name = "a host holding a definition that differs in {0} does not hold the wanted one")
    @MethodSource("oneFieldDiffers")
    void differentDefinition(String field, DomainSpec held) {
        assertThat(held).isNotEqualTo(WANTED);
        assertThat(WANTED.isHeldBy(held)).isFalse();
    }

    @Test
    @DisplayName("the same definition is held")
    void sameDefinition() {
        assertThat(WANTED.isHeldBy(WANTED)).isTrue();
    }

    @Test
    @DisplayName("a definition without a boot is held by one with the boot its host added")
    void bootAddedByTheHost() {
        assertThat(WANTED.isHeldBy(WANTED.withDirectBoot(BOOT))).isTrue();
    }

    @Test
    @DisplayName("a definition naming its boot is not held by one with another boot, or none")
    void bootAskedFor() {
        DomainSpec booting = WANTED.withDirectBoot(BOOT);

        assertThat(booting.isHeldBy(WANTED)).isFalse();
        assertThat(booting.isHeldBy(WANTED.withDirectBoot(new DomainSpec.DirectBoot("/other", BOOT.initrd(),
                BOOT.cmdline())))).isFalse();
    }

    @Test
    @DisplayName("the with... methods change their field and keep every other")
    void withKeepsTheRest() {
        DomainSpec changed = WANTED.withDirectBoot(BOOT).withDisks(List.of()).withNics(List.of());

        assertThat(changed).isEqualTo(new DomainSpec(WANTED.uuid(), WANTED.name(), WANTED.vcpus(),
                WANTED.memoryMib(), List.of(), List.of(), Optional.of(BOOT), WANTED.watchdog()));
    }

    @Test
    @DisplayName("fields a journal predates (null when read) are empty")
    void missingFieldsAreEmpty() {
        DomainSpec old = new DomainSpec("vm-1", "web-1", 1, 512, null, null, null, null);

        assertThat(old).isEqualTo(DomainSpec.of("vm-1", "web-1", 1, 512));
        assertThat(new DomainSpec.NicSpec("52:54:00:00:00:01", "prod", null).vlan()).isEmpty();
    }
}
