package dev.paddock.api;

import dev.paddock.placement.consolidation.ConsolidationPlanner;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A consolidation plan as the API shows it, and as {@code paddock consolidate plan -o json} prints it: one shape,
 * so a script reads the same fields from either.
 */
public final class ConsolidationResource {

    private ConsolidationResource() {}

    /** The plan's figures and migrations; with {@code operation} (not null) when it was submitted. */
    public static Map<String, Object> of(ConsolidationPlanner.Plan plan, Object operation) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("hostModel", plan.hostModel().name());
        body.put("hostCapacity", plan.hostModel().capacity());
        body.put("headroomPercent", plan.headroomPercent());
        body.put("serversBefore", plan.servers().size());
        body.put("vms", plan.migrations().size());
        body.put("hostsForLoad", plan.hostLoads().size());
        body.put("hostsWithSpare", plan.hostsWithSpare());
        body.put("serversSaved", plan.serversSaved());
        body.put("wattsBefore", plan.wattsBefore());
        body.put("wattsAfter", plan.wattsAfter());
        body.put("costBefore", plan.costBefore());
        body.put("costAfter", plan.costAfter());
        body.put("licences", plan.licences());
        body.put("hostLoads", plan.hostLoads());
        body.put("migrations", plan.migrations().stream().map(m -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("vm", m.vm());
            row.put("server", m.server());
            row.put("application", m.application());
            row.put("host", m.host() + 1);
            row.put("demand", m.demand());
            return row;
        }).toList());
        if (operation != null) {
            body.put("operation", operation);
        }
        return body;
    }
}
