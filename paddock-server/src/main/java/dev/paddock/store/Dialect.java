package dev.paddock.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The two databases the store runs on. The schema is the same on both; only the upsert statement
 * differs, because neither accepts the other's.
 */
public enum Dialect {
    H2,
    POSTGRESQL;

    public static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException(
                "unsupported store URL " + jdbcUrl + ": use jdbc:h2:file:... or jdbc:postgresql://...");
    }

    /** The dialect of the database behind {@code dataSource}, read from its connection's URL. */
    public static Dialect of(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return of(connection.getMetaData().getURL());
        } catch (SQLException e) {
            throw Jdbc.translate(e);
        }
    }

    /** An insert-or-replace keyed by the first column. */
    String upsert(String table, List<String> columns) {
        String names = String.join(", ", columns);
        String marks = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
        String key = columns.getFirst();
        return switch (this) {
            case H2 -> "MERGE INTO " + table + " (" + names + ") KEY (" + key + ") VALUES (" + marks + ")";
            case POSTGRESQL -> "INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ") ON CONFLICT ("
                    + key + ") DO UPDATE SET " + columns.stream().skip(1).map(c -> c + " = EXCLUDED." + c)
                            .collect(Collectors.joining(", "));
        };
    }
}
