package dev.paddock.ha.control;

import dev.paddock.ha.FenceDevice;
import dev.paddock.ha.HaPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What HA keeps beside the inventory (tables of {@code V10__ha.sql}): each cluster's pause and detection window,
 * the priority of VMs whose HA is disabled, the hosts in maintenance and every host's fence device. The SQL is the
 * store's ({@code dev.paddock.store.JdbcHaSettings}).
 */
public interface HaSettings {

    /** A cluster's pause and detection window; a cluster never configured is armed with the default window. */
    public record ClusterTuning(boolean paused, Duration detectionWindow) {
        public static final ClusterTuning DEFAULT = new ClusterTuning(false, HaPolicy.DEFAULT_DETECTION_WINDOW);
    }

    /** A VM's HA as people set it: its priority is kept while HA is disabled for it. */
    public record VmHa(int priority, boolean enabled) {}

    ClusterTuning tuning(String clusterId);

    void putTuning(String clusterId, ClusterTuning tuning);

    Optional<VmHa> vmHa(String vmId);

    void putVmHa(String vmId, VmHa ha);

    Set<String> hostsInMaintenance();

    /** Returns false when the host was in maintenance already. */
    boolean enterMaintenance(String hostId, Instant now);

    /** Returns false when the host was not in maintenance. */
    boolean exitMaintenance(String hostId);

    Optional<FenceDevice> fenceDevice(String hostId);

    void putFenceDevice(String hostId, FenceDevice device);

    /** Returns false when the host had no fence device. */
    boolean deleteFenceDevice(String hostId);
}
