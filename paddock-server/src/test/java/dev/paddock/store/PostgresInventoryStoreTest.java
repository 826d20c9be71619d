package dev.paddock.store;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresInventoryStoreTest extends InventoryStoreContract {

    private static HikariDataSource dataSource;

    @BeforeAll
    static void open() {
        dataSource = TestDatabases.postgres("inventory_store_test");
    }

    @AfterAll
    static void close() {
        if (dataSource != null) {
            dataSource.close();
        }
    }

    @Override
    HikariDataSource dataSource() {
        return dataSource;
    }
}
