package dev.paddock.archfixture;

import dev.paddock.server.PaddockServer;
import dev.paddock.sim.ManualClock;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Breaks every rule of {@code PaddockRules} on purpose, one method a rule, so that {@code ArchitectureRulesTest} can
 * show each rule failing. Never run: it only has to compile.
 */
public final class Impure {

    private Impure() {}

    static boolean touchesFiles() throws IOException {
        return new File("room.state").exists() || Files.exists(Path.of("room.state"));
    }

    static void usesTheDatabase(Connection connection) throws SQLException {
        connection.createStatement().execute("DELETE FROM hosts");
    }

    static Process runsAProcess() throws IOException {
        return new ProcessBuilder("fence_ipmilan").start();
    }

    static void startsAndSleepsThreads() throws InterruptedException {
        new Thread(() -> {}).start();
        Thread.sleep(10);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        pool.shutdown();
    }

    static long readsTheWallClock() {
        return System.nanoTime() + System.currentTimeMillis() + Instant.now().getEpochSecond()
                + Clock.systemUTC().millis();
    }

    static int dependsOnTheServer(PaddockServer server) {
        return server.port();
    }

    static Instant usesTheSimulator() {
        return ManualClock.atEpochOf2030().now();
    }
}
