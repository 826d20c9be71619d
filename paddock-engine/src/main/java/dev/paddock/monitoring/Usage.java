package dev.paddock.monitoring;

import java.time.Instant;

/**
 * What a host or a VM used over one sampling interval ending at {@code at}: the rates between two reads of its
 * counters, and its memory at the second read.
 *
 * @param cpu the share of its CPUs it kept busy, 0 to 1 (a VM: of its vCPUs; a host: of its logical CPUs)
 * @param memoryUsedBytes memory in use
 * @param memoryBytes memory it has
 * @param diskReadRate bytes read per second, all disks
 * @param diskWriteRate bytes written per second, all disks
 * @param networkReceiveRate bytes received per second, all NICs
 * @param networkTransmitRate bytes sent per second, all NICs
 */
public record Usage(Instant at, double cpu, long memoryUsedBytes, long memoryBytes, double diskReadRate,
        double diskWriteRate, double networkReceiveRate, double networkTransmitRate) {

    /** The figures a {@link Series} keeps of each point, in this order. */
    public static final java.util.List<String> SERIES_FIELDS = java.util.List.of("cpu", "memoryUsedBytes",
            "diskReadRate", "diskWriteRate", "networkReceiveRate", "networkTransmitRate");

    /** The share of its memory in use, 0 to 1; 0 for something without memory. */
    public double memoryShare() {
        return memoryBytes <= 0 ? 0 : (double) memoryUsedBytes / memoryBytes;
    }

    /** This point's figures in the order of {@link #SERIES_FIELDS}. */
    float[] fields() {
        return new float[] {(float) cpu, memoryUsedBytes, (float) diskReadRate, (float) diskWriteRate,
                (float) networkReceiveRate, (float) networkTransmitRate};
    }
}
