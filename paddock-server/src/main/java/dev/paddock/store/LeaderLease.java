package dev.paddock.store;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A named lease in the store, held by at most one holder at a time: the way two servers on one database agree which
 * of them acts (vCenter runs one vpxd per database, oVirt one engine).
 *
 * <p>Every change is one conditional UPDATE, a compare-and-set on the holder and the expiry, judged by the
 * database's {@code CURRENT_TIMESTAMP}: the servers' clocks never matter, and two holders racing for a free lease
 * cannot both win, because the database applies one UPDATE after the other and the second no longer matches. A
 * lease whose expiry has passed is lost for its holder even if nobody took it yet: renewing it fails, and the holder
 * must acquire it again.
 */
public final class LeaderLease {

    /** The lease of the server that runs the operation runner and HA. */
    public static final String CONTROLLER = "controller";

    /**
     * Who holds or asks for a lease.
     *
     * @param id random for every server start, so a restarted server is a new holder
     * @param description for people: host name, process id, URL
     */
    public record Holder(String id, String description) {
        public Holder {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(description, "description");
        }

        /** A new holder for this process, described by its host name, process id and {@code url}. */
        public static Holder ofThisProcess(String url) {
            return new Holder(UUID.randomUUID().toString(),
                    hostName() + " (pid " + ProcessHandle.current().pid() + ", " + url + ")");
        }

        /**
         * True when this holder is a process of this very machine that no longer runs: its description names this
         * host and a process id that is gone. Such a holder (a server killed with SIGKILL) can renew nothing, so its
         * lease may be taken at once rather than after its expiry. A process id reused by another program reads as
         * alive, which only means waiting for the expiry.
         */
        public boolean isDeadProcessOfThisHost() {
            java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("^(\\S+) \\(pid (\\d+),")
                    .matcher(description);
            if (!matcher.find() || !matcher.group(1).equals(hostName())) {
                return false;
            }
            long pid = Long.parseLong(matcher.group(2));
            return pid != ProcessHandle.current().pid()
                    && ProcessHandle.of(pid).map(ProcessHandle::isAlive).map(alive -> !alive).orElse(true);
        }

        private static String hostName() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return ManagementFactory.getRuntimeMXBean().getName();
            }
        }
    }

    /** A lease as the database holds it; times are the database's. */
    public record Lease(String name, Holder holder, Instant acquiredAt, Instant renewedAt, Instant expiresAt) {}

    /** What asking for the lease gave. */
    public sealed interface Acquisition permits Acquired, Refused {}

    /** The lease is ours until its expiry, unless renewed. */
    public record Acquired(Lease lease) implements Acquisition {}

    /** Another holder's lease has not expired yet. */
    public record Refused(Lease current) implements Acquisition {}

    private final Jdbc jdbc;
    private final String name;
    private final Holder holder;
    private final Duration ttl;
    private final String expiry;

    public LeaderLease(DataSource dataSource, String name, Holder holder, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a lease needs a positive time to live, was " + ttl);
        }
        this.jdbc = new Jdbc(dataSource);
        this.name = Objects.requireNonNull(name, "name");
        this.holder = Objects.requireNonNull(holder, "holder");
        this.ttl = ttl;
        this.expiry = switch (Dialect.of(dataSource)) {
            case H2 -> "DATEADD(MILLISECOND, CAST(? AS BIGINT), CURRENT_TIMESTAMP)";
            case POSTGRESQL -> "CURRENT_TIMESTAMP + CAST(? AS BIGINT) * INTERVAL '1 millisecond'";
        };
    }

    public Holder holder() {
        return holder;
    }

    public Duration ttl() {
        return ttl;
    }

    /** Takes the lease if it is free, expired or already ours; otherwise says who holds it. */
    public Acquisition acquire() {
        ensureRow();
        int taken = jdbc.update("UPDATE leases SET holder_id = ?, holder = ?, acquired_at = CURRENT_TIMESTAMP,"
                + " renewed_at = CURRENT_TIMESTAMP, expires_at = " + expiry
                + " WHERE name = ? AND (holder_id IS NULL OR holder_id = ? OR expires_at < CURRENT_TIMESTAMP)",
                statement -> {
                    statement.setString(1, holder.id());
                    statement.setString(2, holder.description());
                    statement.setLong(3, ttl.toMillis());
                    statement.setString(4, name);
                    statement.setString(5, holder.id());
                });
        Lease current = current().orElseThrow(() -> new IllegalStateException("lease " + name + " vanished"));
        return taken == 1 ? new Acquired(current) : new Refused(current);
    }

    /**
     * Takes the lease from {@code dead}, a holder known to be gone (see {@link Holder#isDeadProcessOfThisHost}),
     * whether or not its expiry has passed; refused when someone else holds it by now.
     */
    public Acquisition takeFrom(Holder dead) {
        int taken = jdbc.update("UPDATE leases SET holder_id = ?, holder = ?, acquired_at = CURRENT_TIMESTAMP,"
                + " renewed_at = CURRENT_TIMESTAMP, expires_at = " + expiry + " WHERE name = ? AND holder_id = ?",
                statement -> {
                    statement.setString(1, holder.id());
                    statement.setString(2, holder.description());
                    statement.setLong(3, ttl.toMillis());
                    statement.setString(4, name);
                    statement.setString(5, dead.id());
                });
        Lease current = current().orElseThrow(() -> new IllegalStateException("lease " + name + " vanished"));
        return taken == 1 ? new Acquired(current) : new Refused(current);
    }

    /**
     * Pushes the expiry one time to live past the database's now; false when the lease is no longer ours (another
     * holder took it, it was released, or it expired before this renewal reached the database).
     */
    public boolean renew() {
        return jdbc.update("UPDATE leases SET renewed_at = CURRENT_TIMESTAMP, expires_at = " + expiry
                + " WHERE name = ? AND holder_id = ? AND expires_at >= CURRENT_TIMESTAMP", statement -> {
                    statement.setLong(1, ttl.toMillis());
                    statement.setString(2, name);
                    statement.setString(3, holder.id());
                }) == 1;
    }

    /** Gives the lease back so a successor takes it at once; false when it was not ours any more. */
    public boolean release() {
        return jdbc.update("UPDATE leases SET holder_id = NULL, holder = NULL, expires_at = NULL"
                + " WHERE name = ? AND holder_id = ?", statement -> {
                    statement.setString(1, name);
                    statement.setString(2, holder.id());
                }) == 1;
    }

    /** The lease's current holder, if it has one, whether or not its expiry has passed. */
    public Optional<Lease> current() {
        return jdbc.queryOne("SELECT holder_id, holder, acquired_at, renewed_at, expires_at FROM leases"
                + " WHERE name = ? AND holder_id IS NOT NULL", statement -> statement.setString(1, name), this::lease);
    }

    private Lease lease(ResultSet row) throws SQLException {
        return new Lease(name, new Holder(row.getString("holder_id"), row.getString("holder")),
                instant(row, "acquired_at"), instant(row, "renewed_at"), instant(row, "expires_at"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant();
    }

    /** The row every conditional UPDATE works on; two servers making it at once leave one. */
    private void ensureRow() {
        boolean present = jdbc.queryOne("SELECT name FROM leases WHERE name = ?",
                statement -> statement.setString(1, name), row -> row.getString(1)).isPresent();
        if (present) {
            return;
        }
        try {
            jdbc.update("INSERT INTO leases (name) VALUES (?)", statement -> statement.setString(1, name));
        } catch (Jdbc.UniqueViolation alreadyMade) {
            // Another server made it between the look and the insert: the row is there, which is all we need.
        }
    }

    @Override
    public String toString() {
        return "lease " + name + " for " + holder.description();
    }
}
