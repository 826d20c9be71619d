package dev.paddock.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.audit.AuditChange;
import dev.paddock.audit.AuditEntry;
import dev.paddock.audit.AuditLog;
import dev.paddock.audit.AuditLog.Fault;
import dev.paddock.audit.AuditLog.Verification;
import dev.paddock.security.TestKeys;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit chain against someone who can write the database but has no key: every change is found, and the
 * verdict names the first entry that does not hold.
 */
class AuditTamperTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path directory;

    HikariDataSource dataSource;
    AuditLog log;

    @BeforeEach
    void open() {
        dataSource = TestDatabases.h2(directory);
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    private AuditLog keyed() {
        return JdbcAuditLog.keyed(dataSource, TestKeys.in(directory, dataSource));
    }

    private void fiveEntries(AuditLog into) {
        for (int i = 1; i <= 5; i++) {
            into.append("api", "vm.create", "vm-" + i, "create VM web-" + i, NOW.plusSeconds(i));
        }
    }

    @Test
    void anUntouchedChainHoldsAndEveryEntryIsKeyed() {
        log = keyed();
        fiveEntries(log);
        log.append("api", "ha.fence.configured", "h1", "host h1 is fenced by fence_ipmilan[password=*****]",
                AuditChange.of(Map.of("agent", "fence_ipmilan", "options", Map.of("password", "old-pw")),
                        Map.of("agent", "fence_ipmilan", "options", Map.of("password", "new-pw"))), NOW);

        Verification verdict = keyed().verify();

        assertThat(verdict.intact()).as(verdict.reason()).isTrue();
        assertThat(verdict.entries()).isEqualTo(6);
        assertThat(verdict.keyedFrom()).isEqualTo(1);
        assertThat(log.list(0, 10)).allSatisfy(entry -> assertThat(entry.chain()).isEqualTo(AuditEntry.KEYED));
        assertThat(log.list(0, 1).getFirst().changeJson()).contains("\"password\":\"(set)\"")
                .doesNotContain("old-pw", "new-pw");
    }

    @Test
    void anEditedRowIsNamed() throws SQLException {
        log = keyed();
        fiveEntries(log);
        sql("UPDATE audit SET detail = 'nothing happened' WHERE seq = 3");

        assertBroken(keyed().verify(), 3, Fault.EDITED, "entry 3 was changed after it was written");
    }

    @Test
    void aDeletedRowIsNamed() throws SQLException {
        log = keyed();
        fiveEntries(log);
        sql("DELETE FROM audit WHERE seq = 2");

        assertBroken(keyed().verify(), 2, Fault.MISSING, "entry 2 is missing");
    }

    @Test
    void aDeletedRowWhoseFollowersWereRenumberedBreaksTheLink() throws SQLException {
        log = keyed();
        fiveEntries(log);
        sql("DELETE FROM audit WHERE seq = 2");
        for (int seq = 3; seq <= 5; seq++) {
            sql("UPDATE audit SET seq = " + (seq - 1) + " WHERE seq = " + seq);
        }

        assertBroken(keyed().verify(), 2, Fault.LINK_BROKEN, "entry 2 does not link to the entry before it");
    }

    @Test
    void theWholeChainRecomputedWithPlainSha256IsFoundAtItsFirstEntry() throws SQLException {
        log = keyed();
        fiveEntries(log);
        sql("UPDATE audit SET detail = 'create VM nobody' WHERE seq = 4");
        recomputePlain(AuditEntry.PLAIN);

        assertBroken(keyed().verify(), 1, Fault.UNKEYED, "entry 1 has an unkeyed hash where the chain is keyed");
    }

    @Test
    void aChainRecomputedWithPlainHashesUnderTheKeyedLabelFailsItsHmac() throws SQLException {
        log = keyed();
        fiveEntries(log);
        recomputePlain(AuditEntry.KEYED);

        assertBroken(keyed().verify(), 1, Fault.EDITED, "entry 1 was changed after it was written: its HMAC");
    }

    @Test
    void aPlainChainOfAnEarlierServerStaysVerifiableAndTheKeyedPartFollowsIt() throws SQLException {
        writePlain(3);
        log = keyed();
        fiveEntries(log);

        Verification verdict = keyed().verify();

        assertThat(verdict.intact()).as(verdict.reason()).isTrue();
        assertThat(verdict.keyedFrom()).isEqualTo(4);
        assertThat(verdict.entries()).isEqualTo(8);
        assertThat(log.ascending(1, Instant.EPOCH, 10)).extracting(AuditEntry::chain)
                .containsExactly(1, 1, 1, 2, 2, 2, 2, 2);
    }

    @Test
    void rewritingThePlainPartBeforeTheKeyIsFound() throws SQLException {
        writePlain(3);
        log = keyed();
        fiveEntries(log);
        sql("UPDATE audit SET detail = 'forged' WHERE seq = 2");
        recomputePlain(AuditEntry.PLAIN, 3);

        assertBroken(keyed().verify(), 3, Fault.EDITED, "entry 3, or one before it, was rewritten");
    }

    @Test
    void anEntryWhoseTimeWasMovedOutOfAnyRangeIsStillWalked() throws SQLException {
        log = keyed();
        fiveEntries(log);
        sql("UPDATE audit SET at = TIMESTAMP WITH TIME ZONE '1960-01-01 00:00:00+00' WHERE seq = 5");

        assertBroken(keyed().verify(), 5, Fault.EDITED, "entry 5 was changed");
        assertThat(log.ascending(1, NOW, 10)).extracting(AuditEntry::seq).containsExactly(1L, 2L, 3L, 4L);
    }

    private static void assertBroken(Verification verdict, long seq, Fault fault, String reason) {
        assertThat(verdict.intact()).isFalse();
        assertThat(verdict.firstBrokenSeq()).contains(seq);
        assertThat(verdict.fault()).contains(fault);
        assertThat(verdict.reason()).startsWith(reason);
    }

    /** Entries as a server without keys wrote them: plain SHA-256, chain 1. */
    private void writePlain(int count) throws SQLException {
        String previous = AuditEntry.GENESIS;
        for (int seq = 1; seq <= count; seq++) {
            Instant at = NOW.minusSeconds(100 - seq);
            String hash = AuditForgery.plainHash(seq, at, "api", "host.add", "h" + seq, "add host h" + seq, previous);
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                    "INSERT INTO audit (seq, at, actor, action, subject_id, detail, previous_hash, hash)"
                            + " VALUES (?, ?, 'api', 'host.add', ?, ?, ?, ?)")) {
                s.setLong(1, seq);
                s.setObject(2, at.atOffset(java.time.ZoneOffset.UTC));
                s.setString(3, "h" + seq);
                s.setString(4, "add host h" + seq);
                s.setString(5, previous);
                s.setString(6, hash);
                s.executeUpdate();
            }
            previous = hash;
        }
    }

    private void recomputePlain(int chain) throws SQLException {
        AuditForgery.recomputePlain(dataSource, chain, Long.MAX_VALUE);
    }

    private void recomputePlain(int chain, long lastSeq) throws SQLException {
        AuditForgery.recomputePlain(dataSource, chain, lastSeq);
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(statement)) {
            s.executeUpdate();
        }
    }

}
