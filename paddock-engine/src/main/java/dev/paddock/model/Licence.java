package dev.paddock.model;

import java.util.Set;
import java.util.TreeSet;

/**
 * What a licence entitles: the VMs that carry its name ({@link Vm#licences}) may run only as it says.
 *
 * @param name the name VMs carry ("oracle-ee", "windows-datacenter")
 * @param metric what it counts
 * @param entitlement how many of {@code metric} it covers; 0 for no limit
 * @param siteIds the sites it may be used in; empty for every site
 * @param relocationDays a VM's licence is bound to the host it runs on, and may be reassigned to another host at most
 *     once in this many days (licence mobility rules: "once in 90 days"); 0 for no such rule. A VM restarted
 *     elsewhere after its host failed is not held by it: vendors allow a reassignment on a hardware failure.
 */
public record Licence(String name, Metric metric, int entitlement, Set<String> siteIds, int relocationDays) {

    /** What a licence counts. */
    public enum Metric {
        /** Each VM that carries it. */
        VM,
        /** Every core of each host that runs at least one VM carrying it (a licence of the physical host). */
        HOST_CORE
    }

    public Licence {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("A licence name takes letters, digits, '-', '_' and '.' (at most 64),"
                    + " not '" + name + "'.");
        }
        java.util.Objects.requireNonNull(metric, "metric");
        if (entitlement < 0) {
            throw new IllegalArgumentException("A licence's entitlement is 0 (no limit) or more, not " + entitlement
                    + ".");
        }
        if (relocationDays < 0 || relocationDays > 3650) {
            throw new IllegalArgumentException("A licence's relocation rule is 0 (none) to 3650 days, not "
                    + relocationDays + ".");
        }
        siteIds = java.util.Collections.unmodifiableSet(new TreeSet<>(siteIds));
    }

    /** True when it may be used in site {@code siteId}. */
    public boolean allowedIn(String siteId) {
        return siteIds.isEmpty() || siteIds.contains(siteId);
    }
}
