package dev.paddock.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.paddock.hypervisor.DomainStats;
import dev.paddock.hypervisor.HostStats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.paddock.hypervisor.HypervisorException;
import dev.paddock.hypervisor.HypervisorException.Reason;
import org.libvirt.Connect;
import org.libvirt.Error;
import org.libvirt.LibvirtException;
import org.libvirt.jna.ConnectionPointer;
import org.libvirt.jna.DomainPointer;
import org.libvirt.jna.Libvirt;
import org.libvirt.jna.virError;

/**
 * libvirt's bulk domain statistics ({@code virConnectGetAllDomainStats}) and the host's CPU and memory statistics
 * ({@code virNodeGetCPUStats}, {@code virNodeGetMemoryStats}), which libvirt-java 0.5.4 does not bind: called through
 * JNA, as the events are ({@link WatchdogEvents}). One bulk call reads every running domain of a host, the way
 * {@code virsh domstats} does, instead of a call per domain and per device.
 *
 * <p>The typed parameters libvirt hands back are read from native memory by their C layout
 * ({@code virTypedParameter}: an 80-byte name, an int type, an 8-byte union at offset 88), and the whole list is
 * freed with {@code virDomainStatsRecordListFree} before this returns.
 */
final class BulkStats {

    /** VIR_DOMAIN_STATS_STATE | CPU_TOTAL | BALLOON | VCPU | INTERFACE | BLOCK. */
    static final int STATS = 1 | 2 | 4 | 8 | 16 | 32;
    /** VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE: running and paused domains only. */
    static final int ACTIVE = 1;
    /** VIR_NODE_CPU_STATS_ALL_CPUS and VIR_NODE_MEMORY_STATS_ALL_CELLS. */
    private static final int ALL = -1;
    private static final int FIELD_LENGTH = 80;
    /** sizeof(virTypedParameter) on x86-64, and the offset of its value union. */
    private static final int TYPED_PARAMETER_SIZE = 96;
    private static final int VALUE_OFFSET = 88;
    /** sizeof(virNodeCPUStats) and sizeof(virNodeMemoryStats): a name and an unsigned long long. */
    private static final int NODE_STATS_SIZE = 88;
    /** sizeof(virDomainStatsRecord): a domain pointer, a parameter pointer, an int (padded). */
    private static final int RECORD_PARAMS_OFFSET = 8;
    private static final int RECORD_COUNT_OFFSET = 16;
    private static final int UUID_STRING_BUFLEN = 37;

    private interface Virt extends Library {
        int virConnectGetAllDomainStats(ConnectionPointer connection, int stats, PointerByReference records, int flags);

        void virDomainStatsRecordListFree(Pointer records);

        int virNodeGetCPUStats(ConnectionPointer connection, int cpu, Pointer params, IntByReference count, int flags);

        int virNodeGetMemoryStats(ConnectionPointer connection, int cell, Pointer params, IntByReference count,
                int flags);
    }

    private static final Virt VIRT = Native.load("virt", Virt.class);

    private BulkStats() {}

    /** The counters of every running domain on the connection, in one call. */
    static List<DomainStats> domains(Connect connect)  {
        PointerByReference list = new PointerByReference();
        int count = VIRT.virConnectGetAllDomainStats(WatchdogEvents.pointer(connect), STATS, list, ACTIVE);
        if (count < 0) {
            throw lastError("read the domains' statistics");
        }
        Pointer records = list.getValue();
        try {
            List<DomainStats> result = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                Pointer record = records.getPointer((long) i * Native.POINTER_SIZE);
                result.add(domain(record));
            }
            return result;
        } finally {
            if (records != null) {
                VIRT.virDomainStatsRecordListFree(records);
            }
        }
    }

    private static DomainStats domain(Pointer record) {
        DomainPointer domain = new DomainPointer();
        domain.setPointer(record.getPointer(0));
        byte[] uuid = new byte[UUID_STRING_BUFLEN];
        Libvirt.INSTANCE.virDomainGetUUIDString(domain, uuid);
        Map<String, Number> fields = typedParameters(record.getPointer(RECORD_PARAMS_OFFSET),
                record.getInt(RECORD_COUNT_OFFSET));
        return of(new String(uuid, 0, UUID_STRING_BUFLEN - 1, StandardCharsets.US_ASCII), fields);
    }

    /** The port's record for one domain's fields as libvirt names them ({@code cpu.time}, {@code block.0.rd.bytes}). */
    static DomainStats of(String uuid, Map<String, Number> fields) {
        long memory = value(fields, "balloon.current") * 1024;
        long available = value(fields, "balloon.available");
        long unused = value(fields, "balloon.unused");
        // without a balloon driver in the guest, what its QEMU process holds is what it uses
        long used = available > 0 && fields.containsKey("balloon.unused") ? (available - unused) * 1024
                : value(fields, "balloon.rss") * 1024;
        return new DomainStats(uuid, value(fields, "cpu.time"), (int) value(fields, "vcpu.current"), memory, used,
                sum(fields, "block", "rd.bytes"), sum(fields, "block", "wr.bytes"), sum(fields, "net", "rx.bytes"),
                sum(fields, "net", "tx.bytes"));
    }

    private static long value(Map<String, Number> fields, String name) {
        Number value = fields.get(name);
        return value == null ? 0 : value.longValue();
    }

    /** {@code kind.N.field} over N from 0 to {@code kind.count}. */
    private static long sum(Map<String, Number> fields, String kind, String field) {
        long count = value(fields, kind + ".count");
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += value(fields, kind + "." + i + "." + field);
        }
        return total;
    }

    /** The numeric typed parameters of an array of {@code count}; strings and booleans are not needed here. */
    private static Map<String, Number> typedParameters(Pointer params, int count) {
        Map<String, Number> fields = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            long at = (long) i * TYPED_PARAMETER_SIZE;
            String name = params.getString(at, StandardCharsets.US_ASCII.name());
            int type = params.getInt(at + FIELD_LENGTH);
            long value = at + VALUE_OFFSET;
            switch (type) {
                case 1, 2 -> fields.put(name, type == 1 ? params.getInt(value) : Integer.toUnsignedLong(params.getInt(value)));
                case 3, 4 -> fields.put(name, params.getLong(value));
                case 5 -> fields.put(name, params.getDouble(value));
                default -> { }
            }
        }
        return fields;
    }

    /**
     * The host's CPU times over all CPUs and its memory over all cells. A driver without memory statistics (the test
     * driver) gives its memory size and free memory instead, the page cache counted as used.
     */
    static HostStats host(Connect connect, int cpus) throws LibvirtException {
        ConnectionPointer pointer = WatchdogEvents.pointer(connect);
        Map<String, Long> cpu = nodeStats((params, count) -> VIRT.virNodeGetCPUStats(pointer, ALL, params, count, 0));
        long idle = cpu.getOrDefault("idle", 0L) + cpu.getOrDefault("iowait", 0L);
        long busy = cpu.getOrDefault("kernel", 0L) + cpu.getOrDefault("user", 0L);
        long totalKib;
        long freeKib;
        try {
            Map<String, Long> memory = nodeStats((params, count) ->
                    VIRT.virNodeGetMemoryStats(pointer, ALL, params, count, 0));
            totalKib = memory.getOrDefault("total", 0L);
            freeKib = memory.getOrDefault("free", 0L) + memory.getOrDefault("buffers", 0L)
                    + memory.getOrDefault("cached", 0L);
        } catch (HypervisorException e) {
            if (e.reason() != Reason.INVALID_ARGUMENT) {
                throw e;
            }
            totalKib = connect.nodeInfo().memory;
            freeKib = connect.getFreeMemory() / 1024;
        }
        return new HostStats(busy, busy + idle, cpus, totalKib * 1024, freeKib * 1024);
    }

    @FunctionalInterface
    private interface NodeCall {
        int call(Pointer params, IntByReference count);
    }

    /** libvirt's two-step node statistics: ask how many, then read that many name and value pairs. */
    private static Map<String, Long> nodeStats(NodeCall call)  {
        IntByReference count = new IntByReference(0);
        if (call.call(null, count) < 0) {
            throw lastError("read the host's statistics");
        }
        Map<String, Long> values = new HashMap<>();
        if (count.getValue() == 0) {
            return values;
        }
        try (Memory params = new Memory((long) count.getValue() * NODE_STATS_SIZE)) {
            params.clear();
            if (call.call(params, count) < 0) {
                throw lastError("read the host's statistics");
            }
            for (int i = 0; i < count.getValue(); i++) {
                long at = (long) i * NODE_STATS_SIZE;
                values.put(params.getString(at, StandardCharsets.US_ASCII.name()), params.getLong(at + FIELD_LENGTH));
            }
        }
        return values;
    }

    /** libvirt's last error on this thread, as the port's exception. */
    private static HypervisorException lastError(String what) {
        virError error = Libvirt.INSTANCE.virGetLastError();
        if (error == null) {
            return new HypervisorException(Reason.FAILED, what + " failed without saying why");
        }
        Error read = new Error(error);
        return new HypervisorException(LibvirtErrors.reason(read.getCode(), read.getMessage()), what + ": "
                + read.getMessage());
    }
}
