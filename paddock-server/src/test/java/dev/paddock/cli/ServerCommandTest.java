package dev.paddock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.store.LeaderLease;
import dev.paddock.store.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code paddock server} on a database another server is active on. */
class ServerCommandTest {

    @TempDir
    Path directory;

    @Test
    void aServerOnADatabaseAnotherServerIsActiveOnExitsWithConflictAndOneSentenceNotAStackTrace() {
        try (HikariDataSource dataSource = TestDatabases.h2(directory)) {
            LeaderLease.Lease held = ((LeaderLease.Acquired) new LeaderLease(dataSource, LeaderLease.CONTROLLER,
                    new LeaderLease.Holder("other-id", "other-host (pid 9, http://other:8080)"), Duration.ofMinutes(5))
                    .acquire()).lease();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();

            int status = Cli.run(new String[] {"server", "--port", "0", "--db",
                "jdbc:h2:file:" + directory.toAbsolutePath().resolve("paddock"), "--data", directory.toString(),
                "--lease-ttl", "0.3"}, new PrintWriter(out), new PrintWriter(err), Map.of());

            assertThat(status).isEqualTo(ExitCode.CONFLICT.code());
            assertThat(err.toString().strip()).isEqualTo("paddock: The server did not start: Another Paddock server is active on"
                    + " this database: other-host (pid 9, http://other:8080), active since " + held.acquiredAt()
                    + "; stop it, or give this server its own database.");
            assertThat(out.toString()).isEmpty();
        }
    }

    @Test
    void aLeaseTimeToLiveOutOfBoundsIsAUsageError() {
        StringWriter err = new StringWriter();

        int status = Cli.run(new String[] {"server", "--lease-ttl", "0"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err), Map.of());

        assertThat(status).isEqualTo(ExitCode.USAGE.code());
        assertThat(err.toString()).contains("--lease-ttl must be between 0.03 and 3600 seconds.");
    }

    @Test
    void aResyncPeriodOutOfBoundsIsAUsageError() {
        StringWriter err = new StringWriter();

        int status = Cli.run(new String[] {"server", "--resync-period", "0.5"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err), Map.of());

        assertThat(status).isEqualTo(ExitCode.USAGE.code());
        assertThat(err.toString()).contains("--resync-period must be between 1 and 86400 seconds.");
    }

    @Test
    void limitsThatCannotBeReadAreUsageErrorsWithASentence() {
        for (String[] mistake : new String[][] {
            {"--max-request-size", "lots", "--max-request-size: 'lots' is no size; write bytes, or a number with KiB,"
                    + " MiB or GiB, for example 1MiB."},
            {"--max-request-size", "0", "--max-request-size: '0' is out of range; a size is at least one byte."},
            {"--rate-limit", "300/day", "--rate-limit: '300/day' is no rate; write a count per s, min or h, for"
                    + " example 300/min, or off."}}) {
            StringWriter err = new StringWriter();

            int status = Cli.run(new String[] {"server", "--port", "0", mistake[0], mistake[1]},
                    new PrintWriter(new StringWriter()), new PrintWriter(err), Map.of());

            assertThat(status).as(err.toString()).isEqualTo(ExitCode.USAGE.code());
            assertThat(err.toString().strip()).isEqualTo("paddock: " + mistake[2]);
        }
    }

    @Test
    void directoryOptionsThatCannotWorkAreUsageErrors() {
        for (String[] mistake : new String[][] {
            {"--ldap-url", "ldap://127.0.0.1", "--ldap-user-base"},
            {"--ldap-url", "ldap://127.0.0.1"},
            {"--ldap-user-base", "ou=people,dc=x"},
            {"--ldap-url", "http://127.0.0.1", "--ldap-user-base", "ou=people,dc=x"},
            {"--ldap-url", "ldap://127.0.0.1", "--ldap-user-base", "ou=people,dc=x", "--ldap-bind-dn", "cn=x"}}) {
            StringWriter err = new StringWriter();
            String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("server", "--port", "0"),
                    java.util.Arrays.stream(mistake)).toArray(String[]::new);
            int status = Cli.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err), Map.of());
            assertThat(status).as(String.join(" ", mistake) + ": " + err).isEqualTo(ExitCode.USAGE.code());
            assertThat(err.toString()).doesNotContain("\tat ").hasLineCount(1);
        }
    }
}
