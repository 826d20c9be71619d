package dev.paddock.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The little JDBC the store needs: statements with bound parameters, rows mapped by a function, work
 * inside a transaction. SQL errors leave as {@link StoreException}, except a broken unique constraint,
 * which leaves as {@link UniqueViolation} so the caller can name the clash.
 */
public final class Jdbc {

    /** SQLSTATE of a unique constraint violation, the same on H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";

    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** A write broke a unique constraint. */
    public static final class UniqueViolation extends RuntimeException {
        UniqueViolation(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final DataSource dataSource;

    public Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Work<T> work) {
        return transaction(Connection.TRANSACTION_READ_COMMITTED, work);
    }

    /** Runs read-only {@code work} on one consistent snapshot of the database. */
    public <T> T inSnapshot(Work<T> work) {
        return transaction(Connection.TRANSACTION_REPEATABLE_READ, work);
    }

    private <T> T transaction(int isolation, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            int previousIsolation = connection.getTransactionIsolation();
            // Changing the isolation costs a round trip on PostgreSQL: only snapshots do it.
            boolean change = previousIsolation != isolation;
            if (change) {
                connection.setTransactionIsolation(isolation);
            }
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
                if (change) {
                    connection.setTransactionIsolation(previousIsolation);
                }
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    public <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
        return inTransaction(connection -> query(connection, sql, binder, mapper));
    }

    public <T> Optional<T> queryOne(String sql, Binder binder, RowMapper<T> mapper) {
        List<T> rows = query(sql, binder, mapper);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    public int update(String sql, Binder binder) {
        return inTransaction(connection -> update(connection, sql, binder));
    }

    public static <T> List<T> query(Connection connection, String sql, Binder binder, RowMapper<T> mapper)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                List<T> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(mapper.map(rows));
                }
                return result;
            }
        }
    }

    public static int update(Connection connection, String sql, Binder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
        }
    }

    static RuntimeException translate(SQLException e) {
        for (SQLException link = e; link != null; link = link.getNextException()) {
            if (UNIQUE_VIOLATION.equals(link.getSQLState())) {
                return new UniqueViolation(link);
            }
        }
        return new StoreException("store failure: " + e.getMessage(), e);
    }
}
