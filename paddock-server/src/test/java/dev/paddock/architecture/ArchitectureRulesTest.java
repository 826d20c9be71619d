package dev.paddock.architecture;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import dev.paddock.archfixture.Impure;
import dev.paddock.archfixture.Pure;
import dev.paddock.libvirt.LibvirtHypervisor;
import dev.paddock.server.PaddockServer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each rule of {@link PaddockRules} fails on {@link Impure}, a class written to break them all, and names what broke
 * it; and keeps quiet on {@link Pure}, which does the same work the way the engine must. A rule that stopped seeing
 * its violation (a typo in a package name, an API the rule no longer matches) fails here.
 */
class ArchitectureRulesTest {

    private static final JavaClasses IMPURE = new ClassFileImporter().importClasses(Impure.class);
    private static final JavaClasses PURE = new ClassFileImporter().importClasses(Pure.class);

    static Stream<Arguments> rules() {
        JavaClasses acting = ArchitectureTest.mainOutputOf(PaddockServer.class, LibvirtHypervisor.class);
        return Stream.of(
                Arguments.of("the engine touches no file", PaddockRules.ENGINE_TOUCHES_NO_FILE,
                        List.of("java.io.File.<init>", "java.nio.file.Files.exists")),
                Arguments.of("the engine uses no database", PaddockRules.ENGINE_USES_NO_DATABASE,
                        List.of("java.sql.Connection.createStatement()")),
                Arguments.of("the engine runs no process", PaddockRules.ENGINE_RUNS_NO_PROCESS,
                        List.of("java.lang.ProcessBuilder.<init>", "java.lang.ProcessBuilder.start()")),
                Arguments.of("the engine starts no thread", PaddockRules.ENGINE_STARTS_NO_THREAD,
                        List.of("java.lang.Thread.<init>", "java.lang.Thread.start()", "java.lang.Thread.sleep(long)",
                                "java.util.concurrent.Executors.newFixedThreadPool(int)")),
                Arguments.of("the engine reads no wall clock", PaddockRules.ENGINE_READS_NO_WALL_CLOCK,
                        List.of("java.lang.System.nanoTime()", "java.lang.System.currentTimeMillis()",
                                "java.time.Instant.now()", "java.time.Clock.systemUTC()")),
                Arguments.of("the engine depends on no acting module", PaddockRules.engineDependsOnNothingOf(acting),
                        List.of("dev.paddock.server.PaddockServer.port()")),
                Arguments.of("the server reaches the simulator from its wiring only",
                        PaddockRules.SIMULATOR_ONLY_IN_THE_WIRING,
                        List.of("dev.paddock.sim.ManualClock.atEpochOf2030()")),
                Arguments.of("the server's JDBC is in the store", PaddockRules.JDBC_ONLY_IN_THE_STORE,
                        List.of("java.sql.Connection.createStatement()")));
    }

    @ParameterizedTest(name = "{0}: fails on a class that breaks it")
    @MethodSource("rules")
    void failsOnAViolation(String rule, ArchRule check, List<String> named) {
        assertThatThrownBy(() -> check.check(IMPURE))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(Impure.class.getName())
                .hasMessageContainingAll(named.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}: holds on a class that keeps it")
    @MethodSource("rules")
    void holdsOnAPureClass(String rule, ArchRule check, List<String> named) {
        assertThatCode(() -> check.check(PURE)).doesNotThrowAnyException();
    }
}
