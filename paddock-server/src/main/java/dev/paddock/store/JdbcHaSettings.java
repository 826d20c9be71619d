package dev.paddock.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.paddock.ha.FenceDevice;
import dev.paddock.ha.control.HaSettings;
import dev.paddock.json.Json;
import dev.paddock.security.SecretBox;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The SQL of {@link HaSettings} (tables of {@code V10__ha.sql}). Writes are an update, then an insert when no row was
 * there, so they run the same on H2 and PostgreSQL.
 *
 * <p>A fence device's secret options ({@link FenceDevice#isSecret}) are stored sealed by the {@link SecretBox}
 * (AES-GCM under the server's secrets key, bound to the host and the option), the rest in clear; rows written
 * before secrets were sealed are sealed by {@link #sealPlainSecrets()} when the server starts.
 */
public final class JdbcHaSettings implements HaSettings {

    private static final TypeReference<Map<String, String>> OPTIONS = new TypeReference<>() {};

    private final Jdbc jdbc;
    private final SecretBox secrets;

    public JdbcHaSettings(DataSource dataSource, SecretBox secrets) {
        this.jdbc = new Jdbc(dataSource);
        this.secrets = secrets;
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
                s -> s.setString(1, hostId), r -> new FenceDevice(r.getString(1), opened(hostId,
                        options(r.getString(2)))));
    }

    @Override
    public void putFenceDevice(String hostId, FenceDevice device) {
        String options = json(sealed(hostId, device.options()));
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

    /**
     * Seals the secret options that rows written before secrets were sealed keep in clear; a row already sealed is
     * left as it is, so running it again changes nothing.
     *
     * @return how many devices were sealed
     */
    public int sealPlainSecrets() {
        int sealed = 0;
        for (Map.Entry<String, Map<String, String>> row : jdbc.query("SELECT host_id, options FROM fence_devices",
                s -> { }, r -> Map.entry(r.getString(1), options(r.getString(2))))) {
            Map<String, String> options = row.getValue();
            boolean plain = options.entrySet().stream()
                    .anyMatch(o -> FenceDevice.isSecret(o.getKey()) && !SecretBox.isSealed(o.getValue()));
            if (plain) {
                String hostId = row.getKey();
                Map<String, String> opened = opened(hostId, options);
                jdbc.update("UPDATE fence_devices SET options = ? WHERE host_id = ?", s -> {
                    s.setString(1, json(sealed(hostId, opened)));
                    s.setString(2, hostId);
                });
                sealed++;
            }
        }
        return sealed;
    }

    private Map<String, String> sealed(String hostId, Map<String, String> options) {
        Map<String, String> sealed = new TreeMap<>();
        options.forEach((key, value) -> sealed.put(key, FenceDevice.isSecret(key)
                ? secrets.seal(value, context(hostId, key)) : value));
        return sealed;
    }

    /** The options with their secrets opened; a secret still in clear (not yet sealed at start) is taken as it is. */
    private Map<String, String> opened(String hostId, Map<String, String> options) {
        Map<String, String> opened = new TreeMap<>();
        options.forEach((key, value) -> opened.put(key, FenceDevice.isSecret(key) && SecretBox.isSealed(value)
                ? secrets.open(value, context(hostId, key)) : value));
        return opened;
    }

    private static String context(String hostId, String option) {
        return "fence_devices/" + hostId + "/" + option;
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
