package dev.paddock.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.HostFacts;
import dev.paddock.model.Resources;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A live migration goes only onto the CPU its guest found on the source, as each host's libvirt reports it. */
class CpuCompatibilityTest {

    private static HostFacts host(String id, String vendor, String model, String features) {
        return new HostFacts(id, "qemu+tcp://" + id + "/system", id, "u-" + id, "QEMU", "9.0.0", model, 8, 1,
                Resources.of(8_000, 16_384, 0, 0), vendor,
                features.isBlank() ? Set.of() : Set.copyOf(Arrays.asList(features.split(" "))));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            the same CPU                            | Intel | Skylake-Client-IBRS | avx512f pku | Intel | Skylake-Client-IBRS | pku avx512f     |
            the target has more features            | Intel | Haswell-noTSX       | vmx         | Intel | Haswell-noTSX       | vmx invtsc abm  |
            a host whose libvirt names no model     | Intel | unknown             |             | AMD   | EPYC                |                 |
            another model                           | Intel | Skylake-Client-IBRS |             | Intel | Haswell-noTSX       |                 | VM 'web' cannot move from host 'h1' to host 'h2': h1 has an Intel Skylake-Client-IBRS CPU, h2 an Intel Haswell-noTSX CPU.
            another vendor, same model name         | Intel | qemu64              |             | AMD   | qemu64              |                 | VM 'web' cannot move from host 'h1' to host 'h2': h1 has an Intel qemu64 CPU, h2 an AMD qemu64 CPU.
            a feature the target lacks              | AMD   | EPYC-Rome           | sha-ni ibpb | AMD   | EPYC-Rome           | ibpb            | VM 'web' cannot move from host 'h1' to host 'h2': h2's AMD EPYC-Rome CPU lacks sha-ni of h1's AMD EPYC-Rome.
            no vendor reported                      |       | Broadwell           |             |       | Cascadelake-Server  |                 | VM 'web' cannot move from host 'h1' to host 'h2': h1 has a Broadwell CPU, h2 a Cascadelake-Server CPU.
            """)
    void refusal(String which, String fromVendor, String fromModel, String fromFeatures, String toVendor,
            String toModel, String toFeatures, String sentence) {
        Optional<String> refusal = CpuCompatibility.refusal("web", host("h1", blank(fromVendor), fromModel,
                blank(fromFeatures)), "h1", host("h2", blank(toVendor), toModel, blank(toFeatures)), "h2");

        assertThat(refusal).isEqualTo(Optional.ofNullable(sentence));
    }

    private static String blank(String value) {
        return value == null ? "" : value;
    }
}
