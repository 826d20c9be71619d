package dev.paddock.operation;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.store.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresOperationJournalTest extends OperationJournalContract {

    private static HikariDataSource dataSource;

    @BeforeAll
    static void open() {
        dataSource = TestDatabases.postgres("operation_journal_test");
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
