package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.MigrationOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.libvirt.Domain.MigrateFlags;
import org.libvirt.TypedParameter;

class MigrationRequestTest {

    @Test
    @DisplayName("a migration is live, peer-to-peer, persistent on the destination and undefined on the source")
    void flags() {
        MigrationRequest request = MigrationRequest.of("vm1", MigrationOptions.DEFAULTS, false);

        assertThat(request.flags()).isEqualTo(
                MigrateFlags.LIVE | MigrateFlags.PEER2PEER | MigrateFlags.PERSIST_DEST | MigrateFlags.UNDEFINE_SOURCE);
    }

    @Test
    @DisplayName("unsafe migration is asked for only when the hosts' shared storage cannot be verified")
    void unsafe() {
        assertThat(MigrationRequest.of("vm1", MigrationOptions.DEFAULTS, true).flags() & MigrateFlags.UNSAFE)
                .isEqualTo(MigrateFlags.UNSAFE);
        assertThat(MigrationRequest.of("vm1", MigrationOptions.DEFAULTS, false).flags() & MigrateFlags.UNSAFE).isZero();
    }

    @Test
    @DisplayName("a migration that copies storage asks copy-storage-all, or copy-storage-inc for top layers only")
    void storageCopy() {
        int all = MigrationRequest.of("vm1", MigrationOptions.DEFAULTS.withStorage(MigrationOptions.StorageCopy.FULL),
                false).flags();
        int top = MigrationRequest.of("vm1",
                MigrationOptions.DEFAULTS.withStorage(MigrationOptions.StorageCopy.TOP_LAYER), false).flags();
        int none = MigrationRequest.of("vm1", MigrationOptions.DEFAULTS, false).flags();

        assertThat(all & (MigrateFlags.NON_SHARED_DISK | MigrateFlags.NON_SHARED_INC))
                .isEqualTo(MigrateFlags.NON_SHARED_DISK);
        assertThat(top & (MigrateFlags.NON_SHARED_DISK | MigrateFlags.NON_SHARED_INC))
                .isEqualTo(MigrateFlags.NON_SHARED_INC);
        assertThat(none & (MigrateFlags.NON_SHARED_DISK | MigrateFlags.NON_SHARED_INC)).isZero();
        assertThat(all & MigrateFlags.LIVE).isEqualTo(MigrateFlags.LIVE);
    }

    @Test
    @DisplayName("an explicit migration URI and a bandwidth cap become typed parameters")
    void parameters() {
        var options = new MigrationOptions(Optional.of(64L), Optional.of(Duration.ofMillis(300)), Optional.of("tcp://10.77.0.2"));

        Map<String, String> parameters = byField(MigrationRequest.of("vm1", options, false));

        assertThat(parameters).containsEntry("migrate_uri", "tcp://10.77.0.2")
                .containsEntry("bandwidth", "64")
                .containsEntry("destination_name", "vm1");
    }

    @Test
    @DisplayName("without options only the destination name is passed")
    void defaults() {
        assertThat(byField(MigrationRequest.of("vm1", MigrationOptions.DEFAULTS, false)))
                .containsExactly(Map.entry("destination_name", "vm1"));
    }

    @Test
    @DisplayName("a zero bandwidth or a non-positive downtime is refused")
    void badOptions() {
        assertThatThrownBy(() -> MigrationRequest.of("vm1",
                new MigrationOptions(Optional.of(0L), Optional.empty(), Optional.empty()), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bandwidth");
        assertThatThrownBy(() -> MigrationRequest.of("vm1",
                new MigrationOptions(Optional.empty(), Optional.of(Duration.ZERO), Optional.empty()), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("downtime");
    }

    private static Map<String, String> byField(MigrationRequest request) {
        return request.parameters().stream()
                .collect(Collectors.toMap(p -> p.field, TypedParameter::getValueAsString));
    }
}
