package dev.paddock.placement;

import dev.paddock.hypervisor.HostFacts;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a running guest can move from one host's CPU to another's, judged on what each host's libvirt reports of
 * its CPU: vendor, model and the features beyond the model. Pure.
 *
 * <p>A guest keeps, across a live migration, the CPU it booted with; an instruction it found there and the target
 * lacks would fault inside the guest after the move. Paddock does not know which instructions a guest uses, so a
 * move is allowed only onto the same CPU: same vendor, same model, and every feature the source lists. Hosts whose
 * libvirt names no model ("unknown", as under some emulators) are not judged.
 */
public final class CpuCompatibility {

    private static final String UNKNOWN = "unknown";

    private CpuCompatibility() {}

    /** The sentence that refuses moving VM {@code vmName} from {@code from} to {@code to}, empty when it may go. */
    public static Optional<String> refusal(String vmName, HostFacts from, String fromName, HostFacts to,
            String toName) {
        if (unknown(from.cpuModel()) || unknown(to.cpuModel())) {
            return Optional.empty();
        }
        String prefix = "VM '" + vmName + "' cannot move from host '" + fromName + "' to host '" + toName + "': ";
        boolean vendorDiffers = !from.cpuVendor().isEmpty() && !to.cpuVendor().isEmpty()
                && !from.cpuVendor().equals(to.cpuVendor());
        if (vendorDiffers || !from.cpuModel().equals(to.cpuModel())) {
            return Optional.of(prefix + fromName + " has " + cpu(from) + " CPU, " + toName + " " + cpu(to) + " CPU.");
        }
        Set<String> missing = new TreeSet<>(from.cpuFeatures());
        missing.removeAll(to.cpuFeatures());
        if (!missing.isEmpty()) {
            return Optional.of(prefix + toName + "'s " + describe(to) + " CPU lacks " + String.join(", ", missing)
                    + " of " + fromName + "'s " + describe(from) + ".");
        }
        return Optional.empty();
    }

    private static boolean unknown(String model) {
        return model == null || model.isBlank() || model.equals(UNKNOWN);
    }

    /** "an Intel Skylake-Client-IBRS", "a Haswell-noTSX" */
    private static String cpu(HostFacts facts) {
        String described = describe(facts);
        return ("aeiouAEIOU".indexOf(described.charAt(0)) >= 0 ? "an " : "a ") + described;
    }

    private static String describe(HostFacts facts) {
        return facts.cpuVendor().isEmpty() ? facts.cpuModel() : facts.cpuVendor() + " " + facts.cpuModel();
    }
}
