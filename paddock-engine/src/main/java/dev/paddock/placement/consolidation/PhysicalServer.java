package dev.paddock.placement.consolidation;

import dev.paddock.model.Resources;

/**
 * A physical server to turn into a VM, with its measured peak utilisation.
 *
 * @param cpuUtilisation peak CPU use in percent of {@code cpuCores}
 * @param memoryUtilisation peak memory use in percent of {@code memoryGib}
 */
public record PhysicalServer(String name, int cpuCores, double cpuUtilisation, long memoryGib,
        double memoryUtilisation, long diskGib, long networkMbps) {

    /** What the VM replacing it needs: measured peaks plus {@code headroomPercent}, disk and network as they are. */
    public Resources demand(int headroomPercent) {
        double grow = 1 + headroomPercent / 100.0;
        long cpu = (long) Math.ceil(cpuCores * 1000 * cpuUtilisation / 100 * grow);
        long memory = (long) Math.ceil(memoryGib * 1024 * memoryUtilisation / 100 * grow);
        return Resources.of(Math.max(1, cpu), Math.max(1, memory), diskGib, networkMbps);
    }
}
