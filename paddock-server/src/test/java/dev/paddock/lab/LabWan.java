package dev.paddock.lab;

import dev.paddock.libvirt.Lab;
import dev.paddock.libvirt.LabExtension;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Puts lab hosts across a WAN for a test, through {@code lab.sh wan}, {@code wan-cut}, {@code wan-restore} and
 * {@code wan-off}: every packet between host hN and anything else on the lab network rate limited (TBF, both ways)
 * and delayed (each way, where it is received). Register it as an extension beside the {@link LabExtension} whose
 * lab it shapes; after each test, whatever its outcome, every host it touched is restored and its WAN removed, so
 * the next test finds the LAN it expects.
 */
final class LabWan implements AfterEachCallback, AfterAllCallback {

    private final LabExtension lab;
    private final Set<Integer> touched = new LinkedHashSet<>();

    LabWan(LabExtension lab) {
        this.lab = lab;
    }

    /** Host n across a WAN of {@code rateMbit} Mbit/s each way and {@code delayMs} each way (2 x delay round trip). */
    void wan(int n, int rateMbit, int delayMs) {
        touched.add(n);
        lab().command("wan", "h" + n, rateMbit + "mbit", Integer.toString(delayMs));
    }

    /** Cuts host n's link, from inside its namespace: nothing reaches it or leaves it until {@link #restore}. */
    void cut(int n) {
        touched.add(n);
        lab().command("wan-cut", "h" + n);
    }

    void restore(int n) {
        lab().command("wan-restore", "h" + n);
    }

    /** Host n back on the LAN: no rate limit, no delay. */
    void off(int n) {
        lab().command("wan-off", "h" + n);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        undo();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        undo();
    }

    private void undo() {
        List<RuntimeException> failures = new ArrayList<>();
        for (int n : touched) {
            for (Runnable step : List.<Runnable>of(() -> restore(n), () -> off(n))) {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
        }
        touched.clear();
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("the WAN could not be undone");
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private Lab lab() {
        return lab.lab();
    }
}
