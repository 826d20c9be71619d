package dev.paddock.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.paddock.ha.FenceDevice;
import dev.paddock.ha.control.HaSettings;
import dev.paddock.json.Json;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The SQL of {@link HaSettings} (tables of {@code V10__ha.sql}). Writes are an update, then an insert when no row was
 * there, so they run the same on H2 and PostgreSQL.
 */
public final class JdbcHaSettings implements HaSettings {

    private static final TypeReference<Map<String, String>> OPTIONS = new TypeReference<>() {};

    private final Jdbc jdbc;

    public JdbcHaSettings(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    @Override
    public ClusterTuning tuning(String clusterId) {
        return jdbc.queryOne("SELECT paused, detection_window_ms FROM ha_clusters WHERE cluster_id = ?",
                s -> s.setString(1, clusterId),
                r -> new ClusterTuning(r.getBoolean(1), Duration.ofMillis(r.getLong(2))))
                .orElse(ClusterTuning.DEFAULT);
    }

    @Override
    public void putTuning(String clusterId, ClusterTuning tuning) {
        upsert("UPDATE ha_clusters SET paused = ?, detection_window_ms = ? WHERE cluster_id = ?",
                "INSERT INTO ha_clusters (paused, detection_window_ms, cluster_id) VALUES (?, ?, ?)", s -> {
                    s.setBoolean(1, tuning.paused());
                    s.setLong(2, tuning.detectionWindow().toMillis());
                    s.setString(3, clusterId);
                });
    }

    @Override
    public Optional<VmHa> vmHa(String vmId) {
        return jdbc.queryOne("SELECT priority, enabled FROM ha_vms WHERE vm_id = ?", s -> s.setString(1, vmId),
                r -> new VmHa(r.getInt(1), r.getBoolean(2)));
    }

    @Override
    public void putVmHa(String vmId, VmHa ha) {
        upsert("UPDATE ha_vms SET priority = ?, enabled = ? WHERE vm_id = ?",
                "INSERT INTO ha_vms (priority, enabled, vm_id) VALUES (?, ?, ?)", s -> {
                    s.setInt(1, ha.priority());
                    s.setBoolean(2, ha.enabled());
                    s.setString(3, vmId);
                });
    }

    @Override
    public Set<String> hostsInMaintenance() {
        return new TreeSet<>(jdbc.query("SELECT host_id FROM ha_maintenance", s -> { }, r -> r.getString(1)));
    }

    @Override
    public boolean enterMaintenance(String hostId, Instant now) {
        return jdbc.inTransaction(connection -> {
            if (!Jdbc.query(connection, "SELECT host_id FROM ha_maintenance WHERE host_id = ?",
                    s -> s.setString(1, hostId), r -> r.getString(1)).isEmpty()) {
                return false;
            }
            Jdbc.update(connection, "INSERT INTO ha_maintenance (host_id, since) VALUES (?, ?)", s -> {
                s.setString(1, hostId);
                s.setObject(2, now.atOffset(ZoneOffset.UTC));
            });
            return true;
        });
    }

    @Override
    public boolean exitMaintenance(String hostId) {
        return jdbc.update("DELETE FROM ha_maintenance WHERE host_id = ?", s -> s.setString(1, hostId)) > 0;
    }

    @Override
    public Optional<FenceDevice> fenceDevice(String hostId) {
        return jdbc.queryOne("SELECT agent, options FROM fence_devices WHERE host_id = ?",
                s -> s.setString(1, hostId), r -> new FenceDevice(r.getString(1), options(r.getString(2))));
    }

    @Override
    public void putFenceDevice(String hostId, FenceDevice device) {
        String options = json(device.options());
        upsert("UPDATE fence_devices SET agent = ?, options = ? WHERE host_id = ?",
                "INSERT INTO fence_devices (agent, options, host_id) VALUES (?, ?, ?)", s -> {
                    s.setString(1, device.agent());
                    s.setString(2, options);
                    s.setString(3, hostId);
                });
    }

    @Override
    public boolean deleteFenceDevice(String hostId) {
        return jdbc.update("DELETE FROM fence_devices WHERE host_id = ?", s -> s.setString(1, hostId)) > 0;
    }

    private void upsert(String update, String insert, Jdbc.Binder binder) {
        jdbc.inTransaction((Connection connection) -> {
            if (Jdbc.update(connection, update, binder) == 0) {
                Jdbc.update(connection, insert, binder);
            }
            return null;
        });
    }

    private static Map<String, String> options(String json) throws SQLException {
        try {
            return Json.mapper().readValue(json, OPTIONS);
        } catch (JsonProcessingException e) {
            throw new SQLException("fence device options are not a JSON object of strings", e);
        }
    }

    private static String json(Map<String, String> options) {
        try {
            return Json.mapper().writeValueAsString(options);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is JSON", e);
        }
    }
}
