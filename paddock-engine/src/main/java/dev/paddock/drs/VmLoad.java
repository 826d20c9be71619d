package dev.paddock.drs;

import dev.paddock.model.Vm;

/**
 * What one running VM used over the balancing window, as monitoring measured it: what balancing weighs and what a
 * move of it costs.
 *
 * @param cpuMillicores the CPU it kept busy lately (the last minutes), in thousandths of a core
 * @param forecastMillicores the CPU it is expected to use in each of the coming windows (from what it used at the
 *     same time of the day before), in thousandths of a core; empty when there is no history
 * @param memoryBytes the memory a live migration copies (in use by the guest)
 * @param dirtyBytesPerSecond how fast the guest writes its memory again while it is copied; 0 when not measured
 */
public record VmLoad(long cpuMillicores, java.util.List<Long> forecastMillicores, long memoryBytes,
        long dirtyBytesPerSecond) {
    public VmLoad {
        forecastMillicores = java.util.List.copyOf(forecastMillicores);
        if (cpuMillicores < 0 || memoryBytes < 0 || dirtyBytesPerSecond < 0
                || forecastMillicores.stream().anyMatch(f -> f < 0)) {
            throw new IllegalArgumentException("a VM's load is never negative");
        }
    }

    /** A load without history: nothing is forecast. */
    public VmLoad(long cpuMillicores, long memoryBytes, long dirtyBytesPerSecond) {
        this(cpuMillicores, java.util.List.of(), memoryBytes, dirtyBytesPerSecond);
    }

    /** A VM monitoring has not measured yet counts for what it reserves: its whole demand. */
    public static VmLoad reserved(Vm vm) {
        return new VmLoad(vm.demand().cpuMillicores(), vm.demand().memoryMib() << 20, 0);
    }
}
