package dev.paddock.ha.control;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2HaSettingsTest extends HaSettingsContract {

    @TempDir
    Path directory;

    @Override
    HikariDataSource open() {
        return TestDatabases.h2(directory);
    }
}
