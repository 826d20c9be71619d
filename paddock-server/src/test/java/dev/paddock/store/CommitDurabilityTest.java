package dev.paddock.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.model.Site;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write the store has returned from is on disk, even when the process dies the next instant without
 * closing anything. (H2's default keeps commits in memory for half a second; the journal cannot have that.)
 */
class CommitDurabilityTest {

    @TempDir
    Path directory;

    /** Writes one site, then halts the JVM at once, as {@code kill -9} would. */
    public static final class HaltedWriter {
        public static void main(String[] args) {
            HikariDataSource dataSource = Database.open(StoreConfig.h2In(Path.of(args[0])));
            new JdbcInventoryStore(dataSource).put(new Site("s1", "paris", "written just before the halt"));
            Runtime.getRuntime().halt(9);
        }
    }

    @Test
    void aWriteSurvivesAProcessThatDiesRightAfterIt() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HaltedWriter.class.getName(), directory.toString())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("writer.log").toFile())
                .start();
        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.exitValue()).as("the writer halted itself").isEqualTo(9);

        try (HikariDataSource dataSource = Database.open(StoreConfig.h2In(directory))) {
            assertThat(new JdbcInventoryStore(dataSource).site("s1")).isPresent();
        }
    }
}
