package dev.paddock.store;

import com.zaxxer.hikari.HikariDataSource;

class PostgresLeaderLeaseTest extends LeaderLeaseContract {

    @Override
    HikariDataSource open() {
        return TestDatabases.postgres("leader_lease_test");
    }
}
