package dev.paddock.placement;

import dev.paddock.model.HostCpu;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a running guest can move from one host's CPU to another's, judged on what each host's libvirt reports of
 * its CPU: vendor, model and the features beyond the model. Pure; the rule of the {@link Filters.CpuCompatible}
 * filter.
 *
 * <p>A guest keeps, across a live migration, the CPU it booted with; an instruction it found there and the target
 * lacks would fault inside the guest after the move. Paddock does not know which instructions a guest uses, so a
 * move is allowed only onto the same CPU: same vendor, same model, and every feature the source lists. CPUs whose
 * model is not known (a host recorded before Paddock kept CPUs, an emulator that names none) are not judged.
 */
public final class CpuCompatibility {

    private CpuCompatibility() {}

    /**
     * Why a guest running on {@code from} (the host named {@code fromName}) cannot keep its CPU on a host whose CPU is
     * {@code to}, as a filter's reason ("host has an AMD EPYC-Rome CPU, the VM runs on h1's Intel Skylake-Client-IBRS");
     * empty when it can.
     */
    public static Optional<String> lack(HostCpu from, String fromName, HostCpu to) {
        if (!from.known() || !to.known()) {
            return Optional.empty();
        }
        boolean vendorDiffers = !from.vendor().isEmpty() && !to.vendor().isEmpty()
                && !from.vendor().equals(to.vendor());
        if (vendorDiffers || !from.model().equals(to.model())) {
            return Optional.of("host has " + article(to.describe()) + " CPU, the VM runs on " + fromName + "'s "
                    + from.describe());
        }
        Set<String> missing = new TreeSet<>(from.features());
        missing.removeAll(to.features());
        if (!missing.isEmpty()) {
            return Optional.of("host's " + to.describe() + " CPU lacks " + String.join(", ", missing) + " of "
                    + fromName + "'s, where the VM runs");
        }
        return Optional.empty();
    }

    /** "an Intel Skylake-Client-IBRS", "a Haswell-noTSX" */
    private static String article(String described) {
        return ("aeiouAEIOU".indexOf(described.charAt(0)) >= 0 ? "an " : "a ") + described;
    }
}
