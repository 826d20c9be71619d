package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HostCapabilitiesTest {

    private static String capabilities(String guests) {
        return """
                <capabilities>
                  <host>
                    <uuid>00000000-0000-4000-8000-000000000002</uuid>
                    <cpu><arch>x86_64</arch><model>Skylake-Client-IBRS</model><vendor>Intel</vendor>
                      <microcode version='240'/><feature name='vmx'/><feature name='pku'/></cpu>
                    <topology><cells num='2'><cell id='0'/><cell id='1'/></cells></topology>
                  </host>
                  %s
                </capabilities>
                """.formatted(guests);
    }

    private static final String X86_64_TCG_AND_KVM = """
            <guest><os_type>hvm</os_type>
              <arch name='x86_64'><domain type='qemu'/><domain type='kvm'/></arch>
            </guest>
            <guest><os_type>hvm</os_type><arch name='i686'><domain type='qemu'/></arch></guest>
            """;

    @Test
    @DisplayName("host UUID, CPU model and NUMA cells come from the host element")
    void hostFacts() {
        HostCapabilities parsed = HostCapabilities.parse(capabilities(X86_64_TCG_AND_KVM));

        assertThat(parsed.hostUuid()).isEqualTo("00000000-0000-4000-8000-000000000002");
        assertThat(parsed.cpuModel()).isEqualTo("Skylake-Client-IBRS");
        assertThat(parsed.cpuVendor()).isEqualTo("Intel");
        assertThat(parsed.cpuFeatures()).containsExactlyInAnyOrder("vmx", "pku");
        assertThat(parsed.numaCells()).isEqualTo(2);
    }

    @Test
    @DisplayName("a host that offers KVM for x86_64 guests runs them with KVM")
    void kvmPreferred() {
        HostCapabilities parsed = HostCapabilities.parse(capabilities(X86_64_TCG_AND_KVM));

        assertThat(parsed.domainTypes()).isEqualTo(Set.of(DomainType.TCG, DomainType.KVM));
        assertThat(parsed.preferredDomainType()).isEqualTo(DomainType.KVM);
    }

    @Test
    @DisplayName("a host without KVM for x86_64 (KVM only for another arch) runs guests with TCG")
    void tcgFallback() {
        HostCapabilities parsed = HostCapabilities.parse(capabilities("""
                <guest><arch name='x86_64'><domain type='qemu'/></arch></guest>
                <guest><arch name='aarch64'><domain type='kvm'/></arch></guest>
                """));

        assertThat(parsed.domainTypes()).containsExactly(DomainType.TCG);
        assertThat(parsed.preferredDomainType()).isEqualTo(DomainType.TCG);
    }

    @Test
    @DisplayName("missing CPU model and topology read as unknown and one cell")
    void sparseHost() {
        HostCapabilities parsed = HostCapabilities.parse("<capabilities><host><uuid>u</uuid></host></capabilities>");

        assertThat(parsed.cpuModel()).isEqualTo("unknown");
        assertThat(parsed.cpuVendor()).isEmpty();
        assertThat(parsed.cpuFeatures()).isEmpty();
        assertThat(parsed.numaCells()).isEqualTo(1);
        assertThat(parsed.domainTypes()).isEmpty();
    }

    @Test
    @DisplayName("capabilities that are not XML are refused with the reason")
    void garbage() {
        assertThatThrownBy(() -> HostCapabilities.parse("<capabilities><host>"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capabilities");
    }
}
