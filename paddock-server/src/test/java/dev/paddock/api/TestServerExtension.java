package dev.paddock.api;

import com.zaxxer.hikari.HikariDataSource;
import dev.paddock.store.Database;
import dev.paddock.store.StoreConfig;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class its {@link TestServer}s, the way {@code @TempDir} gives directories: every field of type
 * {@code TestServer} is filled with a fresh server, a static field once for the class, an instance field before each
 * test, and the server (and the H2 directory made for it) is closed when that scope ends.
 * <pre>
 * &#64;RegisterExtension
 * static final TestServerExtension servers = TestServerExtension.onH2();
 *
 * TestServer server;
 * </pre>
 * Fields rather than parameters because the tests share a server between their helper methods; the extension is
 * registered through a field so that the store a server runs on is the class's choice (H2, or PostgreSQL). A test
 * that needs a second server, or one whose operations it can hold ({@link Inline}), takes it as a parameter.
 */
public final class TestServerExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    /** On a {@code TestServer} parameter: its operations are applied by {@link InlineOperations}, which can hold them. */
    @Target(ElementType.PARAMETER)
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Inline {}

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            TestServerExtension.class);

    /** Starts a server on a database, with the real operation runner or with inline operations. */
    private final Function<Boolean, Running> start;

    private TestServerExtension(Function<Boolean, Running> start) {
        this.start = start;
    }

    /** Each server on its own embedded H2 database in a directory of its own. */
    public static TestServerExtension onH2() {
        return new TestServerExtension(inline -> {
            Path directory = temporaryDirectory();
            return new Running(server(Database.open(StoreConfig.h2In(directory)), inline), Optional.of(directory));
        });
    }

    /** Each server on the database {@code dataSource} opens (e.g. a PostgreSQL schema of its own). */
    public static TestServerExtension on(Supplier<HikariDataSource> dataSource) {
        return new TestServerExtension(inline -> new Running(server(dataSource.get(), inline), Optional.empty()));
    }

    private static TestServer server(HikariDataSource dataSource, boolean inline) {
        return inline ? TestServer.withInlineOperations(dataSource) : new TestServer(dataSource);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        for (Field field : serverFields(context.getRequiredTestClass(), true)) {
            field.set(null, started(context));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IllegalAccessException {
        Object instance = context.getRequiredTestInstance();
        for (Field field : serverFields(instance.getClass(), false)) {
            field.set(instance, started(context));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestServer.class;
    }

    @Override
    public TestServer resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Running running = start.apply(parameter.isAnnotated(Inline.class));
        context.getStore(NAMESPACE).put(running, running);
        return running.server();
    }

    /** Starts a server whose life ends with {@code context}'s: JUnit closes what its store holds. */
    private TestServer started(ExtensionContext context) {
        Running running = start.apply(false);
        context.getStore(NAMESPACE).put(running, running);
        return running.server();
    }

    private static List<Field> serverFields(Class<?> type, boolean statics) {
        return Stream.<Class<?>>iterate(type, c -> c != null && c != Object.class, Class::getSuperclass)
                .flatMap(c -> Stream.of(c.getDeclaredFields()))
                .filter(field -> field.getType() == TestServer.class)
                .filter(field -> Modifier.isStatic(field.getModifiers()) == statics)
                .filter(field -> !Modifier.isFinal(field.getModifiers()))
                .peek(field -> field.setAccessible(true))
                .toList();
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("paddock-test-server");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A started server and the directory to delete once it is closed (none for an outside database). */
    private record Running(TestServer server, Optional<Path> directory) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            server.close();
            if (directory.isPresent()) {
                try (Stream<Path> files = Files.walk(directory.get())) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
    }
}
