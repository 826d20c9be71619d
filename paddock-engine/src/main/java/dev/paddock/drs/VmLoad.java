package dev.paddock.drs;

import dev.paddock.model.Vm;

/**
 * What one running VM used over the balancing window, as monitoring measured it: what balancing weighs and what a
 * move of it costs.
 *
 * @param cpuMillicores the CPU it kept busy, in thousandths of a core
 * @param memoryBytes the memory a live migration copies (in use by the guest)
 * @param dirtyBytesPerSecond how fast the guest writes its memory again while it is copied; 0 when not measured
 */
public record VmLoad(long cpuMillicores, long memoryBytes, long dirtyBytesPerSecond) {
    public VmLoad {
        if (cpuMillicores < 0 || memoryBytes < 0 || dirtyBytesPerSecond < 0) {
            throw new IllegalArgumentException("a VM's load is never negative");
        }
    }

    /** A VM monitoring has not measured yet counts for what it reserves: its whole demand. */
    public static VmLoad reserved(Vm vm) {
        return new VmLoad(vm.demand().cpuMillicores(), vm.demand().memoryMib() << 20, 0);
    }
}
