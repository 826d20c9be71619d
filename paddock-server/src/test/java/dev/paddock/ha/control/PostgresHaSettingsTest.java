package dev.paddock.ha.control;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.store.TestDatabases;

class PostgresHaSettingsTest extends HaSettingsContract {

    @Override
    HikariDataSource open() {
        return TestDatabases.postgres("ha_settings_test");
    }
}
