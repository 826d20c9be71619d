package dev.paddock.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the store's database: a small connection pool over the configured URL, migrated to the current
 * schema before anyone uses it.
 *
 * <p>H2 URLs get settings unless they carry their own: {@code WRITE_DELAY=0} writes every commit to the
 * file at once, so a journal entry survives a killed process (the default delays it by half a second);
 * {@code DB_CLOSE_ON_EXIT=FALSE} leaves closing to the pool rather than racing it in a shutdown hook.
 */
public final class Database {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private Database() {}

    /** A migrated pool for {@code jdbcUrl}, with the default pool size. Close it to release the database. */
    public static HikariDataSource open(String jdbcUrl) {
        return open(StoreConfig.of(jdbcUrl));
    }

    public static HikariDataSource open(StoreConfig config) {
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(withDefaults(config.jdbcUrl()));
        pool.setMaximumPoolSize(config.poolSize());
        pool.setMinimumIdle(1);
        pool.setPoolName("paddock-store");
        if (config.dialect() == Dialect.POSTGRESQL) {
            // Sends a batch of upserts as multi-row statements: a resync is a few round trips.
            pool.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        HikariDataSource dataSource = new HikariDataSource(pool);
        try {
            var result = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            LOG.info("store {} at schema version {}", config.dialect(), result.targetSchemaVersion);
            return dataSource;
        } catch (FlywayException e) {
            dataSource.close();
            throw new StoreException("could not migrate the store at " + config.jdbcUrl() + ": " + e.getMessage(), e);
        }
    }

    static String withDefaults(String jdbcUrl) {
        if (Dialect.of(jdbcUrl) != Dialect.H2) {
            return jdbcUrl;
        }
        String url = jdbcUrl;
        String upper = jdbcUrl.toUpperCase(java.util.Locale.ROOT);
        if (!upper.contains(";WRITE_DELAY=")) {
            url += ";WRITE_DELAY=0";
        }
        if (!upper.contains(";DB_CLOSE_ON_EXIT=")) {
            url += ";DB_CLOSE_ON_EXIT=FALSE";
        }
        if (!upper.contains(";CACHE_SIZE=")) {
            // 256 MiB of page cache (the value is in KiB): the inventory of a room of 100,000 VMs stays in
            // memory, so listing and resync never wait on the disk. H2 only fills it as the data grows.
            url += ";CACHE_SIZE=262144";
        }
        return url;
    }
}
