package dev.paddock.monitoring;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a threshold can watch: a figure of a host, a VM or a datastore, in the unit its key names. Adding a figure
 * (a VM's recovery point age, once replications report it per VM) is a constant here and a reading in the server's
 * sampler: the rules, their scopes and the alarms take it as they are.
 */
public enum Metric {
    HOST_CPU("host.cpu_percent", Subject.HOST, "% CPU"),
    HOST_MEMORY("host.memory_percent", Subject.HOST, "% memory in use"),
    VM_CPU("vm.cpu_percent", Subject.VM, "% CPU"),
    VM_MEMORY("vm.memory_percent", Subject.VM, "% memory in use"),
    VM_DISK_READ("vm.disk_read_bytes_per_second", Subject.VM, "bytes/s read"),
    VM_DISK_WRITE("vm.disk_write_bytes_per_second", Subject.VM, "bytes/s written"),
    VM_NETWORK_RECEIVE("vm.network_receive_bytes_per_second", Subject.VM, "bytes/s received"),
    VM_NETWORK_TRANSMIT("vm.network_transmit_bytes_per_second", Subject.VM, "bytes/s sent"),
    /**
     * Seconds since a VM that should run last answered a sample (its host unreachable, its domain gone): what the
     * server knows of a VM's heartbeat without an agent in the guest.
     */
    VM_HEARTBEAT_AGE("vm.heartbeat_age_seconds", Subject.VM, "s without a heartbeat"),
    DATASTORE_FREE("datastore.free_percent", Subject.DATASTORE, "% free");

    /** What a metric is a figure of. */
    public enum Subject {
        HOST, VM, DATASTORE
    }

    private final String key;
    private final Subject subject;
    private final String unit;

    Metric(String key, Subject subject, String unit) {
        this.key = key;
        this.subject = subject;
        this.unit = unit;
    }

    /** The name users read and write, for example {@code host.cpu_percent}. */
    public String key() {
        return key;
    }

    public Subject subject() {
        return subject;
    }

    /** How a value reads in a sentence: "93.5 % CPU". */
    public String unit() {
        return unit;
    }

    public static Optional<Metric> ofKey(String key) {
        return Arrays.stream(values()).filter(metric -> metric.key.equals(key)).findFirst();
    }
}
