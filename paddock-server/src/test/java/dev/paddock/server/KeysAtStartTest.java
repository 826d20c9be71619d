package dev.paddock.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.security.ServerKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server finds its keys beside its store, makes them once, and will not start without a key its data needs. */
class KeysAtStartTest {

    @TempDir
    Path directory;

    private ServerConfig demo() {
        return ServerConfig.inDirectory(directory, "127.0.0.1", 0, ServerConfig.Room.DEMO);
    }

    @Test
    void aKeyTheStoredDataNeedsIsNeverMadeAnewAndItsAbsenceStopsTheStart() throws Exception {
        try (PaddockServer first = PaddockServer.start(demo())) {
            assertThat(first.parts().oversight().audit().verify().intact()).isTrue();
        }
        Path keys = directory.resolve("keys");
        assertThat(demo().keyDirectory()).isEqualTo(keys);
        byte[] secrets = Files.readAllBytes(keys.resolve("secrets.key"));
        try (PaddockServer again = PaddockServer.start(demo())) {
            assertThat(Files.readAllBytes(keys.resolve("secrets.key"))).isEqualTo(secrets);
        }
        Files.delete(keys.resolve("secrets.key"));

        assertThatThrownBy(() -> PaddockServer.start(demo())).isInstanceOf(ServerKeys.MissingKey.class)
                .hasMessage("The key " + keys.resolve("secrets.key") + " is missing but the database holds data"
                        + " written with it: restore the key directory from its backup (a new key would leave that"
                        + " data unreadable).");
        assertThat(keys.resolve("secrets.key")).doesNotExist();
    }

    @Test
    void aPostgresqlStoreKeepsItsKeysInTheDataDirectoryUnlessToldWhere() {
        ServerConfig postgres = new ServerConfig("127.0.0.1", 0, "jdbc:postgresql://db/paddock", ServerConfig.Room.EMPTY,
                directory);

        assertThat(postgres.keyDirectory()).isEqualTo(directory.resolve("keys"));
        assertThat(postgres.withKeyDirectory(directory.resolve("elsewhere")).keyDirectory())
                .isEqualTo(directory.resolve("elsewhere").toAbsolutePath());
    }
}
