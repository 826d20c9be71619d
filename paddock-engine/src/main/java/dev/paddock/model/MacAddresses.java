package dev.paddock.model;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * The MAC addresses of VM NICs: written as libvirt writes them (six lower-case hex pairs), and made by Paddock in
 * libvirt's own locally administered prefix {@code 52:54:00}, never one the room already uses. Pure: the caller
 * brings the randomness.
 */
public final class MacAddresses {

    /** The prefix libvirt and QEMU give the NICs they make: locally administered, unicast. */
    public static final String PREFIX = "52:54:00";

    private static final Pattern FORM = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    private static final int ATTEMPTS = 1_000;

    private MacAddresses() {}

    /**
     * {@code text} as libvirt writes it, empty when it is no unicast MAC address (a multicast one, whose first byte
     * is odd, cannot be a NIC's).
     */
    public static Optional<String> normalize(String text) {
        String mac = text.trim().toLowerCase(Locale.ROOT).replace('-', ':');
        if (!FORM.matcher(mac).matches() || (Integer.parseInt(mac.substring(0, 2), 16) & 1) == 1
                || mac.equals("00:00:00:00:00:00")) {
            return Optional.empty();
        }
        return Optional.of(mac);
    }

    /** A new address under {@link #PREFIX} that {@code taken} does not hold. */
    public static String generate(Set<String> taken, RandomGenerator random) {
        for (int i = 0; i < ATTEMPTS; i++) {
            int suffix = random.nextInt(1 << 24);
            String mac = String.format("%s:%02x:%02x:%02x", PREFIX, suffix >> 16, (suffix >> 8) & 0xff, suffix & 0xff);
            if (!taken.contains(mac)) {
                return mac;
            }
        }
        throw new IllegalStateException("no free MAC address under " + PREFIX + " after " + ATTEMPTS + " tries");
    }

    /** Every MAC address the room's VMs use. */
    public static Set<String> inUse(Room room) {
        Set<String> used = new java.util.HashSet<>();
        for (Vm vm : room.vms()) {
            for (Nic nic : vm.nics()) {
                if (!nic.mac().isEmpty()) {
                    used.add(nic.mac());
                }
            }
        }
        return used;
    }
}
