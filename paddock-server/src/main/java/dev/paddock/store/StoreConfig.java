package dev.paddock.store;

import java.nio.file.Path;

/**
 * Where the store lives: a JDBC URL (H2 embedded file by default, PostgreSQL for scale) and the size of
 * its connection pool.
 */
public record StoreConfig(String jdbcUrl, int poolSize) {

    /** The embedded database of a server started without configuration. */
    public static final String DEFAULT_URL = "jdbc:h2:file:./var/paddock";

    public StoreConfig {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new IllegalArgumentException("the store needs a JDBC URL");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("the connection pool needs at least one connection");
        }
    }

    public static StoreConfig of(String jdbcUrl) {
        return new StoreConfig(jdbcUrl, 8);
    }

    public static StoreConfig defaults() {
        return of(DEFAULT_URL);
    }

    /** An H2 database in the files {@code directory/paddock.*}. */
    public static StoreConfig h2In(Path directory) {
        return of("jdbc:h2:file:" + directory.toAbsolutePath().resolve("paddock"));
    }

    public Dialect dialect() {
        return Dialect.of(jdbcUrl);
    }
}
