package dev.paddock.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.model.HostCpu;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A live migration goes only onto the CPU its guest found on the source, as each host's libvirt reports it. */
class CpuCompatibilityTest {

    static HostCpu cpu(String vendor, String model, String features) {
        return new HostCpu(vendor == null ? "" : vendor, model,
                features == null || features.isBlank() ? Set.of() : Set.copyOf(Arrays.asList(features.split(" "))));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            the same CPU                            | Intel | Skylake-Client-IBRS | avx512f pku | Intel | Skylake-Client-IBRS | pku avx512f     |
            the target has more features            | Intel | Haswell-noTSX       | vmx         | Intel | Haswell-noTSX       | vmx invtsc abm  |
            a source whose model is not known       | Intel | unknown             |             | AMD   | EPYC                |                 |
            a target whose model is not known       | AMD   | EPYC                |             |       | unknown             |                 |
            another model                           | Intel | Skylake-Client-IBRS |             | Intel | Haswell-noTSX       |                 | host has an Intel Haswell-noTSX CPU, the VM runs on h1's Intel Skylake-Client-IBRS
            another vendor, same model name         | Intel | qemu64              |             | AMD   | qemu64              |                 | host has an AMD qemu64 CPU, the VM runs on h1's Intel qemu64
            a feature the target lacks              | AMD   | EPYC-Rome           | sha-ni ibpb | AMD   | EPYC-Rome           | ibpb            | host's AMD EPYC-Rome CPU lacks sha-ni of h1's, where the VM runs
            features the target lacks, sorted       | AMD   | EPYC-Rome           | xsaves abm  | AMD   | EPYC-Rome           |                 | host's AMD EPYC-Rome CPU lacks abm, xsaves of h1's, where the VM runs
            no vendor reported                      |       | Broadwell           |             |       | Cascadelake-Server  |                 | host has a Cascadelake-Server CPU, the VM runs on h1's Broadwell
            """)
    void lack(String which, String fromVendor, String fromModel, String fromFeatures, String toVendor,
            String toModel, String toFeatures, String reason) {
        Optional<String> lack = CpuCompatibility.lack(cpu(fromVendor, fromModel, fromFeatures), "h1",
                cpu(toVendor, toModel, toFeatures));

        assertThat(lack).isEqualTo(Optional.ofNullable(reason));
    }
}
