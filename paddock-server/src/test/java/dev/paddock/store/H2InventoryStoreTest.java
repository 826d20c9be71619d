package dev.paddock.store;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class H2InventoryStoreTest extends InventoryStoreContract {

    @TempDir
    static Path directory;

    private static HikariDataSource dataSource;

    @BeforeAll
    static void open() {
        dataSource = TestDatabases.h2(directory);
    }

    @AfterAll
    static void close() {
        dataSource.close();
    }

    @Override
    HikariDataSource dataSource() {
        return dataSource;
    }
}
