package dev.paddock.placement.consolidation;

/** The plan as one self-contained HTML page: the summary, then every migration in host order. */
public final class ConsolidationReport {
    private ConsolidationReport() {}

    public static String html(ConsolidationPlanner.Plan plan) {
        StringBuilder page = new StringBuilder();
        page.append("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Consolidation plan</title>")
                .append("<style>body{font-family:sans-serif}td,th{padding:2px 8px;text-align:right}")
                .append("td:first-child{text-align:left}</style></head><body>\n")
                .append("<h1>Consolidation plan</h1>\n<ul>")
                .append("<li>Physical servers: ").append(plan.servers()).append("</li>")
                .append("<li>Hosts needed for the load: ").append(plan.hostsForLoad()).append("</li>")
                .append("<li>Hosts with one spare (N+1): ").append(plan.hostsWithSpare()).append("</li>")
                .append("<li>Servers saved: ").append(plan.serversSaved()).append("</li>")
                .append("<li>Host model: ").append(escape(plan.hostModel().toString())).append("</li></ul>\n")
                .append("<table><tr><th>server</th><th>cpu (millicores)</th><th>memory (MiB)</th>")
                .append("<th>disk (GiB)</th><th>network (Mbit/s)</th><th>host</th></tr>\n");
        plan.migrations().stream()
                .sorted(java.util.Comparator.comparingInt(ConsolidationPlanner.Migration::host)
                        .thenComparing(ConsolidationPlanner.Migration::server))
                .forEach(m -> page.append("<tr><td>").append(escape(m.server())).append("</td><td>")
                        .append(m.demand().cpuMillicores()).append("</td><td>").append(m.demand().memoryMib())
                        .append("</td><td>").append(m.demand().diskGib()).append("</td><td>")
                        .append(m.demand().networkMbps()).append("</td><td>host-").append(m.host() + 1)
                        .append("</td></tr>\n"));
        return page.append("</table></body></html>\n").toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
