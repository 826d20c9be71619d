package dev.paddock.operation;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2OperationRunnerTest extends OperationRunnerContract {

    @TempDir
    Path directory;

    @Override
    HikariDataSource emptyDatabase() {
        return TestDatabases.h2(directory);
    }

    @Override
    void release(HikariDataSource dataSource) {
        dataSource.close();
    }
}
