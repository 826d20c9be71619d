package dev.paddock.placement.consolidation;

import dev.paddock.model.Resources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The plan as text for a terminal and as one self-contained HTML page (inline SVG charts, no scripts, no fonts or
 * anything else fetched): the summary, utilisation per server before and per host after, power before and after,
 * licences, then every VM in host order.
 */
public final class ConsolidationReport {
    private static final String CPU = "#3b6fb6";
    private static final String MEMORY = "#e08a2c";
    private static final String PEAK = "#9fb8dc";

    private ConsolidationReport() {}

    /** The summary a terminal shows. */
    public static String text(ConsolidationPlanner.Plan plan, int operationSteps) {
        StringBuilder out = new StringBuilder();
        HostModel model = plan.hostModel();
        out.append(String.format(Locale.ROOT, "Consolidation onto %s hosts (%s, %,d W, cost %,d), headroom %d %%%n",
                model.name(), model.describe(), model.watts(), model.cost(), plan.headroomPercent()));
        line(out, "Physical servers", String.format(Locale.ROOT, "%,d", plan.servers().size()));
        line(out, "VMs (one per application)", String.format(Locale.ROOT, "%,d", plan.migrations().size()));
        line(out, "Hosts for the load", String.valueOf(plan.hostsForLoad()));
        line(out, "Hosts with N+1 spare", String.valueOf(plan.hostsWithSpare()));
        line(out, "Servers saved", String.format(Locale.ROOT, "%,d", plan.serversSaved()));
        line(out, "Power (W)", change(plan.wattsBefore(), plan.wattsAfter()));
        line(out, "Purchase cost", change(plan.costBefore(), plan.costAfter()));
        List<ConsolidationPlanner.LicenceCount> licences = plan.licences();
        if (!licences.isEmpty()) {
            out.append(String.format(Locale.ROOT, "Licences%30s %12s %12s%n", "servers before", "VMs after",
                    "hosts after"));
            for (ConsolidationPlanner.LicenceCount l : licences) {
                out.append(String.format(Locale.ROOT, "  %-34s %12d %12d %12d%n", l.licence(), l.physicalServers(),
                        l.vms(), l.hosts()));
            }
        }
        out.append(String.format(Locale.ROOT, "Migration: %,d VMs as an operation of %,d steps (record and define"
                + " each VM on its host); copying each server's disk into its VM is a later P2V step.%n",
                plan.migrations().size(), operationSteps));
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "  %-34s %s%n", label, value));
    }

    static String change(long before, long after) {
        if (before == 0) {
            return String.format(Locale.ROOT, "%,d -> %,d", before, after);
        }
        return String.format(Locale.ROOT, "%,d -> %,d (%+.1f %%)", before, after, 100.0 * (after - before) / before);
    }

    /** The report as one HTML page. */
    public static String html(ConsolidationPlanner.Plan plan, int operationSteps) {
        StringBuilder page = new StringBuilder();
        page.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Consolidation plan</title><style>")
                .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}")
                .append("h1{margin-bottom:4px}h2{margin-top:28px;border-bottom:1px solid #ccc}")
                .append("table{border-collapse:collapse}td,th{padding:3px 10px;text-align:right;")
                .append("border-bottom:1px solid #eee}td:first-child,th:first-child{text-align:left}")
                .append(".note{color:#555}.legend span{display:inline-block;width:12px;height:12px;")
                .append("margin:0 4px 0 14px;vertical-align:middle}</style></head><body>\n")
                .append("<h1>Consolidation plan</h1>\n<p class=\"note\">")
                .append(escape(plan.hostModel().name())).append(" host model: ")
                .append(escape(plan.hostModel().describe())).append(", ")
                .append(String.format(Locale.ROOT, "%,d W, cost %,d", plan.hostModel().watts(),
                        plan.hostModel().cost()))
                .append("; VMs sized from measured peaks plus ").append(plan.headroomPercent())
                .append(" % headroom.</p>\n<table id=\"summary\">")
                .append(row("Physical servers", plan.servers().size()))
                .append(row("VMs (one per application)", plan.migrations().size()))
                .append(row("Hosts for the load", plan.hostsForLoad()))
                .append(row("Hosts with N+1 spare", plan.hostsWithSpare()))
                .append(row("Servers saved", plan.serversSaved()))
                .append("<tr><td>Power (W)</td><td>").append(change(plan.wattsBefore(), plan.wattsAfter()))
                .append("</td></tr><tr><td>Purchase cost</td><td>").append(change(plan.costBefore(), plan.costAfter()))
                .append("</td></tr></table>\n");

        page.append("<h2>Before: CPU utilisation per physical server</h2>\n")
                .append(legend(new String[] {CPU, "average"}, new String[] {PEAK, "peak"}));
        List<PhysicalServer> servers = new ArrayList<>(plan.servers());
        servers.sort(Comparator.comparingDouble(PhysicalServer::cpuUtilisation).reversed());
        List<double[]> before = new ArrayList<>();
        for (PhysicalServer s : servers) {
            before.add(new double[] {s.cpuUtilisation(), s.cpuAverage()});
        }
        page.append(bars("before", before, new String[] {PEAK, CPU}, true, false));

        page.append("<h2>After: load per host (peaks plus headroom, in % of the host)</h2>\n")
                .append(legend(new String[] {CPU, "CPU"}, new String[] {MEMORY, "memory"}));
        List<double[]> after = new ArrayList<>();
        Resources capacity = plan.hostModel().capacity();
        for (Resources load : plan.hostLoads()) {
            after.add(new double[] {100.0 * load.cpuMillicores() / capacity.cpuMillicores(),
                    100.0 * load.memoryMib() / capacity.memoryMib()});
        }
        after.add(new double[] {0, 0});
        page.append(bars("after", after, new String[] {CPU, MEMORY}, false, true))
                .append("<p class=\"note\">The last host is the N+1 spare: empty, it can take every VM of any one"
                        + " host.</p>\n");

        page.append("<h2>Power draw</h2>\n").append(power(plan.wattsBefore(), plan.wattsAfter()))
                .append("<p class=\"note\">Before: the servers' measured draw. After: every host at the model's"
                        + " rated draw, an upper bound.</p>\n");

        List<ConsolidationPlanner.LicenceCount> licences = plan.licences();
        if (!licences.isEmpty()) {
            page.append("<h2>Licences</h2>\n<table><tr><th>licence</th><th>physical servers before</th>")
                    .append("<th>VMs after</th><th>hosts after</th></tr>\n");
            for (ConsolidationPlanner.LicenceCount l : licences) {
                page.append("<tr><td>").append(escape(l.licence())).append("</td><td>").append(l.physicalServers())
                        .append("</td><td>").append(l.vms()).append("</td><td>").append(l.hosts())
                        .append("</td></tr>\n");
            }
            page.append("</table>\n");
        }

        page.append("<h2>Migrations</h2>\n<p class=\"note\">").append(plan.migrations().size())
                .append(" VMs, an operation of ").append(operationSteps)
                .append(" steps: each VM is recorded, then defined stopped on its host. Copying each server's disk"
                        + " into its VM is a later P2V step.</p>\n")
                .append("<table><tr><th>VM</th><th>server</th><th>cpu (millicores)</th><th>memory (MiB)</th>")
                .append("<th>disk (GiB)</th><th>network (Mbit/s)</th><th>host</th></tr>\n");
        plan.migrations().stream()
                .sorted(Comparator.comparingInt(ConsolidationPlanner.Migration::host)
                        .thenComparing(ConsolidationPlanner.Migration::vm))
                .forEach(m -> page.append("<tr><td>").append(escape(m.vm())).append("</td><td>")
                        .append(escape(m.server())).append("</td><td>")
                        .append(m.demand().cpuMillicores()).append("</td><td>").append(m.demand().memoryMib())
                        .append("</td><td>").append(m.demand().diskGib()).append("</td><td>")
                        .append(m.demand().networkMbps()).append("</td><td>host-").append(m.host() + 1)
                        .append("</td></tr>\n"));
        return page.append("</table></body></html>\n").toString();
    }

    private static String row(String label, int value) {
        return "<tr><td>" + label + "</td><td>" + String.format(Locale.ROOT, "%,d", value) + "</td></tr>";
    }

    private static String legend(String[]... entries) {
        StringBuilder legend = new StringBuilder("<div class=\"legend\">");
        for (String[] entry : entries) {
            legend.append("<span style=\"background:").append(entry[0]).append("\"></span>").append(entry[1]);
        }
        return legend.append("</div>\n").toString();
    }

    /**
     * A bar chart in percent, 0 to 100 (a bar above is clipped and drawn red). {@code overlaid}: the series are
     * drawn over one another in one bar (the first the tallest); otherwise side by side. {@code lastIsSpare}: the
     * last slot is outlined and labelled as the N+1 spare.
     */
    static String bars(String id, List<double[]> values, String[] colours, boolean overlaid, boolean lastIsSpare) {
        int width = 1140;
        int height = 260;
        int left = 40;
        int top = 10;
        int plotWidth = width - left - 10;
        int plotHeight = height - top - 30;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg id=\"").append(id).append("\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" font-size=\"11\" font-family=\"sans-serif\">");
        for (int pct = 0; pct <= 100; pct += 25) {
            double y = top + plotHeight * (1 - pct / 100.0);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>",
                    left, y, width - 10, y))
                    .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d%%</text>",
                            left - 4, y + 4, pct));
        }
        int n = Math.max(1, values.size());
        double slot = (double) plotWidth / n;
        int series = overlaid ? 1 : colours.length;
        double barWidth = Math.max(1, slot * 0.8 / series);
        for (int i = 0; i < values.size(); i++) {
            double[] v = values.get(i);
            for (int s = 0; s < v.length; s++) {
                double clipped = Math.min(100, Math.max(0, v[s]));
                double h = plotHeight * clipped / 100;
                double x = left + i * slot + slot * 0.1 + (overlaid ? 0 : s * barWidth);
                String colour = v[s] > 100 ? "#c0392b" : colours[s];
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>", x,
                        top + plotHeight - h, barWidth, h, colour));
            }
        }
        if (lastIsSpare && !values.isEmpty()) {
            double x = left + (values.size() - 1) * slot + slot * 0.1;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\""
                    + " fill=\"none\" stroke=\"#27ae60\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>", x, top,
                    slot * 0.8, plotHeight))
                    .append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\""
                            + " fill=\"#27ae60\">spare</text>", x + slot * 0.4, top + plotHeight / 2));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\"/>", left,
                top + plotHeight, width - 10, top + plotHeight));
        int step = Math.max(1, (int) Math.ceil(n / 20.0));
        for (int i = 0; i < values.size(); i += step) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>",
                    left + i * slot + slot / 2, height - 12, i + 1));
        }
        return svg.append("</svg>\n").toString();
    }

    private static String power(long before, long after) {
        long max = Math.max(1, Math.max(before, after));
        int width = 1140;
        int barMax = 900;
        StringBuilder svg = new StringBuilder("<svg id=\"power\" width=\""
                + width + "\" height=\"90\" font-size=\"13\" font-family=\"sans-serif\">");
        long[] values = {before, after};
        String[] labels = {"before", "after"};
        String[] colours = {"#7f8c8d", "#27ae60"};
        for (int i = 0; i < 2; i++) {
            double w = (double) barMax * values[i] / max;
            int y = 10 + i * 40;
            svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%s</text>", y + 19, labels[i]))
                    .append(String.format(Locale.ROOT,
                            "<rect x=\"60\" y=\"%d\" width=\"%.1f\" height=\"28\" fill=\"%s\"/>", y, w, colours[i]))
                    .append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%,d W</text>", 66 + w, y + 19,
                            values[i]));
        }
        return svg.append("</svg>\n").toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
