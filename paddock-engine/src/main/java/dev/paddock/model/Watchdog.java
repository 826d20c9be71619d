package dev.paddock.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A guest watchdog device: the guest's OS arms it and must keep feeding it; when the OS hangs and stops feeding,
 * the device fires and the hypervisor takes {@code action} on the domain. The hypervisor reports each fire as a
 * {@code WatchdogFired} hypervisor event, whatever the action, so a manager can tell a hung guest from a healthy one.
 *
 * <p>The device does nothing until the guest opens it: a guest without a watchdog driver runs as if it had none.
 */
public record Watchdog(Model model, Action action) {

    public Watchdog {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(action, "action");
    }

    /** The device QEMU emulates. i6300esb is a PCI card any machine type takes; itco is q35's own TCO timer. */
    public enum Model {
        I6300ESB,
        ITCO;

        /** The name libvirt's {@code <watchdog model=...>} uses. */
        public String xmlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Model> named(String name) {
            return Arrays.stream(values()).filter(m -> m.xmlName().equals(name)).findFirst();
        }

        public static String names() {
            return Arrays.stream(values()).map(Model::xmlName).collect(Collectors.joining(", "));
        }
    }

    /**
     * What the hypervisor does to the domain when the watchdog fires: reset it (the guest reboots, the domain stays
     * running), power it off, pause it (memory kept for inspection), or nothing beyond reporting the fire.
     */
    public enum Action {
        RESET,
        POWEROFF,
        PAUSE,
        NONE;

        /** The name libvirt's {@code <watchdog action=...>} uses. */
        public String xmlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Action> named(String name) {
            return Arrays.stream(values()).filter(a -> a.xmlName().equals(name)).findFirst();
        }

        public static String names() {
            return Arrays.stream(values()).map(Action::xmlName).collect(Collectors.joining(", "));
        }
    }
}
