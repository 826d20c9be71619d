package dev.paddock.hypervisor;

/**
 * A host's own counters and memory as its hypervisor reports them (libvirt's {@code virNodeGetCPUStats} and
 * {@code virNodeGetMemoryStats} over all CPUs and cells). The CPU times are cumulative since the host booted.
 *
 * @param cpuBusyNanos CPU time spent on anything but idling (user, kernel, I/O wait excluded), all CPUs together
 * @param cpuTotalNanos all CPU time, idle included, all CPUs together
 * @param cpus the host's logical CPUs
 * @param memoryTotalBytes memory the host has
 * @param memoryFreeBytes memory free for new work: free, plus buffers and page cache the kernel gives back
 */
public record HostStats(long cpuBusyNanos, long cpuTotalNanos, int cpus, long memoryTotalBytes,
        long memoryFreeBytes) {}
