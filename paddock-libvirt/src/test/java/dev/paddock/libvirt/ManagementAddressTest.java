package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where VNC displays listen by default: the host of the URI a host is attached at, loopback for a local one. */
class ManagementAddressTest {

    @ParameterizedTest(name = "{0} listens on {1}")
    @CsvSource({
            "qemu+tcp://10.77.0.1/system, 10.77.0.1",
            "qemu+ssh://root@kvm1.example.org/system, kvm1.example.org",
            "qemu+tls://[fd00::7]:16514/system, fd00::7",
            "qemu:///system, 127.0.0.1",
            "test:///default, 127.0.0.1"})
    void managementAddress(String uri, String address) {
        assertThat(LibvirtHypervisor.managementAddress(uri)).isEqualTo(address);
    }
}
