package dev.paddock.ha.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.audit.AuditEntry;
import dev.paddock.audit.AuditLog;
import dev.paddock.ha.FenceDevice;
import dev.paddock.security.SecretBox;
import dev.paddock.security.ServerKeys;
import dev.paddock.security.TestKeys;
import dev.paddock.store.JdbcAuditLog;
import dev.paddock.store.JdbcHaSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HA's tables, the same on every database the store runs on. */
abstract class HaSettingsContract {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    HikariDataSource dataSource;
    HaSettings settings;
    ServerKeys keys;

    abstract HikariDataSource open();

    @BeforeEach
    void connect() {
        dataSource = open();
        keys = TestKeys.fresh();
        settings = new JdbcHaSettings(dataSource, keys.secrets());
    }

    @AfterEach
    void disconnect() {
        if (dataSource != null) { // null when the PostgreSQL tests are skipped
            dataSource.close();
        }
    }

    @Test
    void aClusterNeverConfiguredIsArmedWithTheDefaultWindowAndATuningIsReplacedInPlace() {
        assertThat(settings.tuning("c1")).isEqualTo(HaSettings.ClusterTuning.DEFAULT);

        settings.putTuning("c1", new HaSettings.ClusterTuning(true, Duration.ofSeconds(3)));
        settings.putTuning("c1", new HaSettings.ClusterTuning(true, Duration.ofMillis(1500)));

        assertThat(settings.tuning("c1")).isEqualTo(new HaSettings.ClusterTuning(true, Duration.ofMillis(1500)));
        assertThat(settings.tuning("c2")).isEqualTo(HaSettings.ClusterTuning.DEFAULT);
    }

    @Test
    void aVmsHaIsKeptWithItsPriority() {
        settings.putVmHa("v1", new HaSettings.VmHa(7, true));
        settings.putVmHa("v1", new HaSettings.VmHa(7, false));

        assertThat(settings.vmHa("v1")).contains(new HaSettings.VmHa(7, false));
        assertThat(settings.vmHa("v2")).isEmpty();
    }

    @Test
    void aHostEntersMaintenanceOnceAndLeavesItOnce() {
        assertThat(settings.enterMaintenance("h1", NOW)).isTrue();
        assertThat(settings.enterMaintenance("h1", NOW)).isFalse();
        assertThat(settings.hostsInMaintenance()).containsExactly("h1");

        assertThat(settings.exitMaintenance("h1")).isTrue();
        assertThat(settings.exitMaintenance("h1")).isFalse();
        assertThat(settings.hostsInMaintenance()).isEmpty();
    }

    @Test
    void aFenceDeviceComesBackWithEveryOptionSecretsIncluded() {
        FenceDevice device = new FenceDevice("/usr/sbin/fence_ipmilan", Map.of("ip", "10.0.0.11", "username",
                "admin", "password", "p\"ä ss=1", "lanplus", "1"));

        settings.putFenceDevice("h1", device);
        settings.putFenceDevice("h1", device);

        assertThat(settings.fenceDevice("h1")).contains(device);
        assertThat(settings.deleteFenceDevice("h1")).isTrue();
        assertThat(settings.fenceDevice("h1")).isEmpty();
        assertThat(settings.deleteFenceDevice("h1")).isFalse();
    }

    /** The stored options of {@code hostId}, as the database holds them. */
    private String storedOptions(String hostId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT options FROM fence_devices WHERE host_id = ?")) {
            s.setString(1, hostId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : "";
            }
        }
    }

    @Test
    void aFenceDevicesSecretOptionsAreStoredSealedAndTheRestInClear() throws SQLException {
        settings.putFenceDevice("h1", new FenceDevice("fence_ipmilan", Map.of("ip", "10.0.0.11", "password",
                "calvin-77", "snmp_priv_passwd", "priv-77", "ssh_key", "key-77", "api_secret", "secret-77")));

        String stored = storedOptions("h1");
        assertThat(stored).contains("10.0.0.11", SecretBox.PREFIX).doesNotContain("calvin-77", "priv-77", "key-77",
                "secret-77");
        assertThat(settings.fenceDevice("h1").orElseThrow().options()).containsEntry("password", "calvin-77")
                .containsEntry("ssh_key", "key-77");
    }

    @Test
    void aSealedPasswordCopiedToAnotherHostsRowDoesNotOpen() throws SQLException {
        settings.putFenceDevice("h1", new FenceDevice("fence_ipmilan", Map.of("password", "calvin-77")));
        settings.putFenceDevice("h2", new FenceDevice("fence_ipmilan", Map.of("password", "other")));
        update("UPDATE fence_devices SET options = ? WHERE host_id = 'h2'", storedOptions("h1"));

        assertThatThrownBy(() -> settings.fenceDevice("h2")).isInstanceOf(SecretBox.Unreadable.class)
                .hasMessageContaining("fence_devices/h2/password");
    }

    @Test
    void rowsStoredInClearBeforeSecretsWereSealedAreSealedOnceAtStart() throws SQLException {
        update("INSERT INTO fence_devices (host_id, agent, options) VALUES ('h1', 'fence_ipmilan', ?)",
                "{\"ip\":\"10.0.0.11\",\"password\":\"calvin-77\"}");
        update("INSERT INTO fence_devices (host_id, agent, options) VALUES ('h2', 'fence_sim', ?)",
                "{\"plug\":\"h2\"}");
        JdbcHaSettings store = (JdbcHaSettings) settings;

        assertThat(settings.fenceDevice("h1").orElseThrow().options()).containsEntry("password", "calvin-77");
        assertThat(store.sealPlainSecrets()).isEqualTo(1);
        String sealed = storedOptions("h1");
        assertThat(sealed).doesNotContain("calvin-77").contains(SecretBox.PREFIX);
        assertThat(store.sealPlainSecrets()).isZero();
        assertThat(storedOptions("h1")).isEqualTo(sealed);
        assertThat(settings.fenceDevice("h1").orElseThrow().options()).containsEntry("password", "calvin-77")
                .containsEntry("ip", "10.0.0.11");
        assertThat(storedOptions("h2")).isEqualTo("{\"plug\":\"h2\"}");
    }

    private void update(String sql, String value) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, value);
            s.executeUpdate();
        }
    }

    @Test
    void haDecisionsAreReadBackFromTheAuditLogByTheirActionPrefix() {
        AuditLog audit = JdbcAuditLog.keyed(dataSource, keys);
        audit.append("controller:ha", "ha.fence.failed", "h1", "no login", NOW);
        audit.append("api", "vm.create", "v1", "created", NOW);
        audit.append("controller:ha", "ha.fence.confirmed", "h1", "off", NOW);
        audit.append("api", "hax.other", "x", "not HA", NOW);

        assertThat(audit.listActions("ha.", 0, 10)).extracting(AuditEntry::action)
                .containsExactly("ha.fence.confirmed", "ha.fence.failed");
        assertThat(audit.verify().intact()).isTrue();
    }
}
