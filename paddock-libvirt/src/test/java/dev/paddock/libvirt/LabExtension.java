package dev.paddock.libvirt;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives lab tests a running 3-host lab: started once per test run, on first use, and taken down when the run
 * ends, whatever its outcome (JUnit closes the root store's values). A lab that cannot start fails every lab
 * test with the reason; it is never a skip.
 *
 * <p>The lab's directory is {@code PADDOCK_TEST_LAB_DIR}, default /var/tmp/paddock-lab-test, apart from a user's
 * lab. Only one lab can hold the lab addresses at a time, so a user's lab that is up makes these tests fail
 * with lab.sh's message saying so.
 */
public final class LabExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LabExtension.class);
    private static final int HOSTS = 3;

    private Lab lab;

    /** The attempt to start the lab, kept so that a failure is reported to every test, not retried by each. */
    private record Attempt(Lab lab, RuntimeException failure) implements AutoCloseable {
        @Override
        public void close() {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Attempt attempt = context.getRoot().getStore(NAMESPACE).computeIfAbsent(Attempt.class, key -> {
            try {
                return new Attempt(Lab.start(HOSTS, directory()), null);
            } catch (RuntimeException e) {
                return new Attempt(null, e);
            }
        }, Attempt.class);
        if (attempt.failure() != null) {
            throw attempt.failure();
        }
        lab = attempt.lab();
    }

    public Lab lab() {
        if (lab == null) {
            throw new IllegalStateException("the lab is not up: register LabExtension as a static @RegisterExtension field");
        }
        return lab;
    }

    private static Path directory() {
        String configured = System.getenv("PADDOCK_TEST_LAB_DIR");
        return Path.of(configured == null || configured.isBlank() ? "/var/tmp/paddock-lab-test" : configured);
    }
}
