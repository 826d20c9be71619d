package dev.paddock.store;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2LeaderLeaseTest extends LeaderLeaseContract {

    @TempDir
    Path directory;

    @Override
    HikariDataSource open() {
        return TestDatabases.h2(directory);
    }
}
