package dev.paddock.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.security.ServerKeys.ChainStart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerKeysTest {

    @TempDir
    Path directory;

    private Path keys() {
        return directory.resolve("keys");
    }

    @Test
    void theFirstStartMakesAnOwnerOnlyDirectoryWithThirtyTwoRandomBytesPerKey() throws IOException {
        ServerKeys.open(keys(), Set.of());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys()))).isEqualTo("rwx------");
        for (String name : new String[] {ServerKeys.AUDIT_FILE, ServerKeys.SECRETS_FILE}) {
            Path file = keys().resolve(name);
            assertThat(Files.size(file)).isEqualTo(32);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        assertThat(Files.readAllBytes(keys().resolve(ServerKeys.AUDIT_FILE)))
                .isNotEqualTo(Files.readAllBytes(keys().resolve(ServerKeys.SECRETS_FILE)));
    }

    @Test
    void aSecondStartReadsTheSameKeys() {
        ServerKeys first = ServerKeys.open(keys(), Set.of());
        first.auditChainStart(() -> new ChainStart(1, "0".repeat(64)));
        ServerKeys second = ServerKeys.open(keys(), Set.of(ServerKeys.Use.AUDIT, ServerKeys.Use.SECRETS));

        assertThat(second.auditKey()).isEqualTo(first.auditKey());
        String sealed = first.secrets().seal("pw", "ctx");
        assertThat(second.secrets().open(sealed, "ctx")).isEqualTo("pw");
    }

    @Test
    void aMissingKeyForDataWrittenWithItStopsTheStartInsteadOfMakingANewOne() throws IOException {
        ServerKeys.open(keys(), Set.of());
        Files.delete(keys().resolve(ServerKeys.SECRETS_FILE));

        assertThatThrownBy(() -> ServerKeys.open(keys(), Set.of(ServerKeys.Use.SECRETS)))
                .isInstanceOf(ServerKeys.MissingKey.class)
                .hasMessageContaining("secrets.key is missing but the database holds data written with it");
        assertThat(keys().resolve(ServerKeys.SECRETS_FILE)).doesNotExist();
    }

    @Test
    void aKeyedAuditLogWithoutItsChainStartStopsTheStart() {
        ServerKeys.open(keys(), Set.of());

        assertThatThrownBy(() -> ServerKeys.open(keys(), Set.of(ServerKeys.Use.AUDIT)))
                .isInstanceOf(ServerKeys.MissingKey.class).hasMessageContaining("audit.chain is missing");
    }

    @Test
    void aKeyCutShortIsRefused() throws IOException {
        Files.createDirectories(keys());
        Files.write(keys().resolve(ServerKeys.AUDIT_FILE), new byte[16]);

        assertThatThrownBy(() -> ServerKeys.open(keys(), Set.of())).isInstanceOf(ServerKeys.MissingKey.class)
                .hasMessageContaining("is 16 bytes, not 32");
    }

    @Test
    void whereTheKeyedChainStartsIsWrittenOnceAndThenReadBack() {
        ServerKeys keys = ServerKeys.open(keys(), Set.of());
        ChainStart start = keys.auditChainStart(() -> new ChainStart(8, "ab".repeat(32)));

        assertThat(start).isEqualTo(new ChainStart(8, "ab".repeat(32)));
        assertThat(ServerKeys.open(keys(), Set.of(ServerKeys.Use.AUDIT))
                .auditChainStart(() -> new ChainStart(99, "cd".repeat(32)))).isEqualTo(start);
    }
}
