package dev.paddock.hypervisor;

/**
 * One domain's counters as its host reports them in one bulk read (libvirt's {@code virConnectGetAllDomainStats}):
 * cumulative since the domain's process started, so a rate is the difference of two reads over the time between them.
 *
 * @param uuid the domain's UUID, which is also the Paddock VM id
 * @param cpuTimeNanos CPU time the domain used, all vCPUs together
 * @param vcpus vCPUs it runs with: CPU time over wall time reaches at most this many seconds per second
 * @param memoryBytes memory the domain has now (its balloon's current size)
 * @param memoryUsedBytes memory in use: what the guest reports in use when it has a balloon driver, else the memory
 *     its process holds on the host
 * @param diskReadBytes bytes read from all its disks
 * @param diskWriteBytes bytes written to all its disks
 * @param networkReceiveBytes bytes received on all its NICs
 * @param networkTransmitBytes bytes sent on all its NICs
 */
public record DomainStats(String uuid, long cpuTimeNanos, int vcpus, long memoryBytes, long memoryUsedBytes,
        long diskReadBytes, long diskWriteBytes, long networkReceiveBytes, long networkTransmitBytes) {}
