package dev.paddock.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.AccessTarget.Predicates.declaredIn;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasParameterTypes.Predicates.rawParameterTypes;
import static com.tngtech.archunit.lang.conditions.ArchConditions.onlyHaveDependenciesWhere;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import java.io.File;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * The rules that keep Paddock's architecture true (see ARCHITECTURE.md): the engine decides and does nothing else
 * (no file, database, process, thread or wall clock, and nothing of the modules that act), the simulator is wired in
 * by the server's wiring only, and SQL lives in the store.
 *
 * <p>Each rule is applied to the classes it is given: {@link ArchitectureTest} gives it a module's main output,
 * {@link ArchitectureRulesTest} a class written to break it, so that a rule that can no longer fail is noticed.
 */
final class PaddockRules {

    private PaddockRules() {}

    // The engine -------------------------------------------------------------------------------------------

    static final ArchRule ENGINE_TOUCHES_NO_FILE = noClasses()
            .should().dependOnClassesThat(belongToAnyOf(File.class, RandomAccessFile.class, FileChannel.class))
            .orShould().dependOnClassesThat(resideInAPackage("java.nio.file.."))
            .orShould().dependOnClassesThat(nameMatching("java\\.io\\.File.*"))
            .because("the engine is pure: files are read and written by the server, the bench and the tests");

    static final ArchRule ENGINE_USES_NO_DATABASE = noClasses()
            .should().dependOnClassesThat(resideInAnyPackage("java.sql..", "javax.sql.."))
            .because("the engine is pure: SQL lives in the server's store");

    static final ArchRule ENGINE_RUNS_NO_PROCESS = noClasses()
            .should().dependOnClassesThat(belongToAnyOf(ProcessBuilder.class, Process.class, ProcessHandle.class))
            .orShould().callMethodWhere(target(declaredIn(Runtime.class)).and(target(name("exec"))))
            .because("the engine is pure: fence agents run as processes beside libvirt");

    static final ArchRule ENGINE_STARTS_NO_THREAD = noClasses()
            .should().callConstructorWhere(target(declaredIn(assignableTo(Thread.class))))
            .orShould().callMethodWhere(target(declaredIn(assignableTo(Thread.class)))
                    .and(target(nameMatching("start|sleep|ofPlatform|ofVirtual|startVirtualThread"))))
            .orShould().dependOnClassesThat(belongToAnyOf(Executors.class))
            .orShould().callConstructorWhere(target(declaredIn(assignableTo(Executor.class))))
            .orShould().beAssignableTo(Thread.class)
            .because("the engine is pure: threads and executors are the caller's, passed in");

    static final ArchRule ENGINE_READS_NO_WALL_CLOCK = noClasses()
            .should().callMethodWhere(target(declaredIn(System.class))
                    .and(target(nameMatching("currentTimeMillis|nanoTime"))))
            .orShould().callMethodWhere(target(declaredIn(Clock.class)).and(target(nameMatching("system.*"))))
            .orShould().callMethodWhere(target(declaredIn(resideInAPackage("java.time")))
                    .and(target(name("now")))
                    .and(target(not(rawParameterTypes(Clock.class)))))
            .because("the engine is pure: time is an Instant, a Clock or a nanoTime source passed in");

    /** The engine depends on no class of {@code actingModules} (the server's and libvirt's main output). */
    static ArchRule engineDependsOnNothingOf(JavaClasses actingModules) {
        Set<String> names = actingModules.stream().map(JavaClass::getName).collect(Collectors.toUnmodifiableSet());
        DescribedPredicate<JavaClass> acting = DescribedPredicate.describe(
                "classes of paddock-server or paddock-libvirt", c -> names.contains(c.getName()));
        return noClasses().should().dependOnClassesThat(acting)
                .because("the engine is the base every module builds on, and it decides without acting");
    }

    // The server -------------------------------------------------------------------------------------------

    /**
     * The simulator's classes, which the server reaches only from its wiring: {@code dev.paddock.server} and its
     * subpackages, and the simulator's REST routes, listed by name. One more use is allowed by name: the hook that
     * hands the simulator to those routes ({@code RestApi.installSimulator}).
     */
    static final ArchRule SIMULATOR_ONLY_IN_THE_WIRING = classes()
            .should(onlyHaveDependenciesWhere(DescribedPredicate.describe(
                    "the target is outside dev.paddock.sim, or the origin is the wiring or the simulator's routes",
                    PaddockRules::simulatorUseAllowed)))
            .because("controllers cannot tell the simulated room from libvirt: they see the Hypervisor port");

    private static boolean simulatorUseAllowed(Dependency dependency) {
        String origin = dependency.getOriginClass().getName();
        String target = dependency.getTargetClass().getName();
        if (!target.startsWith("dev.paddock.sim.")) {
            return true;
        }
        return origin.startsWith("dev.paddock.server.")
                || origin.equals("dev.paddock.api.SimulatorRoutes")
                || origin.startsWith("dev.paddock.api.SimulatorRoutes$")
                || origin.equals("dev.paddock.api.RestApi") && dependency.getDescription().contains("installSimulator");
    }

    /** JDBC in the store; the wiring ({@code dev.paddock.server}) creates the DataSource and hands it over. */
    static final ArchRule JDBC_ONLY_IN_THE_STORE = noClasses()
            .that().resideOutsideOfPackages("dev.paddock.store..", "dev.paddock.server")
            .should().dependOnClassesThat(resideInAnyPackage("java.sql..", "javax.sql.."))
            .because("one place holds the SQL, and its contract tests run on H2 and PostgreSQL");
}
