package dev.paddock.model;

import java.util.Set;
import java.util.TreeSet;

/**
 * A host's CPU as its hypervisor reports it: the CPU a guest started there keeps across a live migration.
 *
 * @param vendor "Intel", "AMD", or "" when not reported
 * @param model the model as libvirt names it (for example "Skylake-Client-IBRS"), or "unknown" when not reported
 *     (a host recorded before Paddock kept CPUs, an emulator that names none)
 * @param features the features libvirt lists beyond those of {@code model}
 */
public record HostCpu(String vendor, String model, Set<String> features) {

    private static final String UNKNOWN_MODEL = "unknown";

    /** A CPU nothing is known of: placement does not judge it. */
    public static final HostCpu UNKNOWN = new HostCpu("", "unknown", Set.of());

    public HostCpu {
        vendor = vendor == null ? "" : vendor;
        model = model == null || model.isBlank() ? UNKNOWN_MODEL : model;
        features = features == null ? Set.of() : Set.copyOf(features);
    }

    /** True when a model was reported. */
    public boolean known() {
        return !model.equals(UNKNOWN_MODEL);
    }

    /** "Intel Skylake-Client-IBRS", or the model alone when no vendor was reported. */
    public String describe() {
        return vendor.isEmpty() ? model : vendor + " " + model;
    }

    /** The features, sorted: how they are written and shown. */
    public TreeSet<String> sortedFeatures() {
        return new TreeSet<>(features);
    }
}
