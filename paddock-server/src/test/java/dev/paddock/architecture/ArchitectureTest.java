package dev.paddock.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.paddock.hypervisor.Hypervisor;
import dev.paddock.libvirt.LibvirtHypervisor;
import dev.paddock.server.PaddockServer;
import java.net.URL;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Paddock's main output, each module on its own, against {@link PaddockRules}. */
class ArchitectureTest {

    private static JavaClasses engine;
    private static JavaClasses server;
    private static JavaClasses libvirt;

    @BeforeAll
    static void importModules() {
        engine = mainOutputOf(Hypervisor.class);
        server = mainOutputOf(PaddockServer.class);
        libvirt = mainOutputOf(LibvirtHypervisor.class);
    }

    /** The classes directories (or jars) the classes were loaded from: their modules' main output, not their tests. */
    static JavaClasses mainOutputOf(Class<?>... members) {
        List<URL> locations = Arrays.stream(members)
                .map(member -> member.getProtectionDomain().getCodeSource().getLocation())
                .toList();
        return new ClassFileImporter().importUrls(locations);
    }

    @Test
    @DisplayName("the engine touches no file")
    void engineTouchesNoFile() {
        PaddockRules.ENGINE_TOUCHES_NO_FILE.check(engine);
    }

    @Test
    @DisplayName("the engine uses no database")
    void engineUsesNoDatabase() {
        PaddockRules.ENGINE_USES_NO_DATABASE.check(engine);
    }

    @Test
    @DisplayName("the engine runs no process")
    void engineRunsNoProcess() {
        PaddockRules.ENGINE_RUNS_NO_PROCESS.check(engine);
    }

    @Test
    @DisplayName("the engine starts, sleeps and pools no thread")
    void engineStartsNoThread() {
        PaddockRules.ENGINE_STARTS_NO_THREAD.check(engine);
    }

    @Test
    @DisplayName("the engine reads no wall clock")
    void engineReadsNoWallClock() {
        PaddockRules.ENGINE_READS_NO_WALL_CLOCK.check(engine);
    }

    @Test
    @DisplayName("the engine depends on nothing of the server or libvirt modules")
    void engineDependsOnNoActingModule() {
        PaddockRules.engineDependsOnNothingOf(mainOutputOf(PaddockServer.class, LibvirtHypervisor.class)).check(engine);
    }

    @Test
    @DisplayName("the server reaches the simulator from its wiring only")
    void simulatorOnlyInTheWiring() {
        PaddockRules.SIMULATOR_ONLY_IN_THE_WIRING.check(server);
    }

    @Test
    @DisplayName("the server's JDBC is in the store")
    void jdbcOnlyInTheStore() {
        PaddockRules.JDBC_ONLY_IN_THE_STORE.check(server);
    }
}
