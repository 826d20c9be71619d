package dev.paddock.operation;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.store.TestDatabases;
import org.junit.jupiter.api.AfterAll;

class PostgresOperationRunnerTest extends OperationRunnerContract {

    private static HikariDataSource dataSource;

    @Override
    HikariDataSource emptyDatabase() {
        if (dataSource == null) {
            dataSource = TestDatabases.postgres("operation_runner_test");
        }
        TestDatabases.clear(dataSource);
        return dataSource;
    }

    @Override
    void release(HikariDataSource ignored) {}

    @AfterAll
    static void closeDatabase() {
        if (dataSource != null) {
            dataSource.close();
            dataSource = null;
        }
    }
}
