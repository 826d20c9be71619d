package dev.paddock.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.model.Site;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    @TempDir
    Path directory;

    @Test
    void anH2UrlWritesEachCommitAtOnceLeavesClosingToThePoolAndCachesTheInventory() {
        assertThat(Database.withDefaults("jdbc:h2:file:./var/paddock"))
                .isEqualTo("jdbc:h2:file:./var/paddock;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=262144");
    }

    @Test
    void settingsGivenInTheUrlAreKept() {
        assertThat(Database.withDefaults("jdbc:h2:file:/x;write_delay=100;DB_CLOSE_ON_EXIT=TRUE;cache_size=1024"))
                .isEqualTo("jdbc:h2:file:/x;write_delay=100;DB_CLOSE_ON_EXIT=TRUE;cache_size=1024");
    }

    @Test
    void aPostgresqlUrlIsUsedAsGiven() {
        String url = "jdbc:postgresql://127.0.0.1:5432/paddock?user=paddock";
        assertThat(Database.withDefaults(url)).isEqualTo(url);
    }

    @Test
    void anotherDatabaseIsRefusedWithTheUrlsThatWork() {
        assertThatThrownBy(() -> StoreConfig.of("jdbc:mysql://localhost/paddock").dialect())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported store URL jdbc:mysql://localhost/paddock: "
                        + "use jdbc:h2:file:... or jdbc:postgresql://...");
    }

    @Test
    void reopeningADatabaseKeepsItsContent() {
        try (HikariDataSource first = Database.open(StoreConfig.h2In(directory))) {
            new JdbcInventoryStore(first).put(new Site("s1", "paris", ""));
        }
        try (HikariDataSource again = Database.open(StoreConfig.h2In(directory))) {
            assertThat(new JdbcInventoryStore(again).sites()).containsExactly(new Site("s1", "paris", ""));
        }
    }
}
