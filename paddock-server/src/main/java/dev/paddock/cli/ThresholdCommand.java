package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code paddock threshold add|list|remove}: alarms raised when a host's, a VM's or a datastore's metric stays above
 * or below a value for a while, and cleared when it no longer is.
 */
@Command(name = "threshold", description = "Alarms on usage: add, list or remove a threshold.",
        subcommands = {ThresholdCommand.Add.class, ThresholdCommand.ListThresholds.class,
                ThresholdCommand.Remove.class})
final class ThresholdCommand implements Runnable {

    private static final String THRESHOLDS = "api/v1/thresholds";

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with thresholds: add, list or remove (see 'paddock"
                + " threshold --help').");
    }

    /** Exactly one of the two. */
    static final class Bound {
        @Option(names = "--above", paramLabel = "VALUE", description = "Raise when the metric is above VALUE.")
        Double above;

        @Option(names = "--below", paramLabel = "VALUE", description = "Raise when the metric is below VALUE.")
        Double below;
    }

    /** At most one of these; none watches every subject. */
    static final class Where {
        @Option(names = "--site", paramLabel = "SITE")
        String site;

        @Option(names = "--cluster", paramLabel = "CLUSTER")
        String cluster;

        @Option(names = "--host", paramLabel = "HOST", description = "One host, or (for a VM metric) the VMs on it.")
        String host;

        @Option(names = "--vm", paramLabel = "VM")
        String vm;

        @Option(names = "--datastore", paramLabel = "DATASTORE")
        String datastore;
    }

    @Command(name = "add", description = "Add a threshold: for example 'host-cpu --metric host.cpu_percent --above 90"
            + " --for 5m' or 'low-space --metric datastore.free_percent --below 10'.")
    static final class Add implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Option(names = "--metric", required = true, paramLabel = "METRIC", description = "host.cpu_percent,"
                + " host.memory_percent, vm.cpu_percent, vm.memory_percent, vm.disk_read_bytes_per_second,"
                + " vm.disk_write_bytes_per_second, vm.network_receive_bytes_per_second,"
                + " vm.network_transmit_bytes_per_second, vm.heartbeat_age_seconds or datastore.free_percent.")
        private String metric;

        @ArgGroup(exclusive = true, multiplicity = "1")
        private Bound bound;

        @Option(names = "--for", defaultValue = "0", paramLabel = "DURATION", description = "How long the condition"
                + " holds before the alarm is raised: seconds, or 30s, 5m, 1h (default ${DEFAULT-VALUE}).")
        private String duration;

        @ArgGroup(exclusive = true)
        private Where where;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("metric", metric);
            body.put("comparison", bound.above != null ? "above" : "below");
            body.put("value", bound.above != null ? bound.above : bound.below);
            body.put("durationSeconds", ReplicationCommand.seconds(duration, "--for"));
            if (where != null) {
                putScope(body);
            }
            JsonNode made = root.client().post(THRESHOLDS, body);
            return root.done(made, "threshold " + name + " added: " + made.path("condition").asText() + " on "
                    + scope(made));
        }

        private void putScope(Map<String, Object> body) {
            String[][] scopes = {{"site", where.site}, {"cluster", where.cluster}, {"host", where.host},
                    {"vm", where.vm}, {"datastore", where.datastore}};
            for (String[] scope : scopes) {
                if (scope[1] != null) {
                    body.put("scope", scope[0]);
                    body.put("scopeId", scope[1]);
                }
            }
        }
    }

    private static String scope(JsonNode threshold) {
        String kind = threshold.path("scope").asText();
        return kind.equals("all") ? "all" : kind + " " + threshold.path("scopeId").asText();
    }

    @Command(name = "list", description = "List the thresholds.")
    static final class ListThresholds implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode answer = root.client().get(THRESHOLDS);
            if (root.json()) {
                root.printJson(answer);
                return 0;
            }
            Table table = new Table("NAME", "CONDITION", "SCOPE", "OWNER", "ID");
            for (JsonNode threshold : answer.path("items")) {
                table.row(threshold.path("name").asText(), threshold.path("condition").asText(), scope(threshold),
                        threshold.path("owner").asText(), threshold.path("id").asText());
            }
            table.print(root.out());
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove a threshold; the alarms it holds raised are cleared.")
    static final class Remove implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The threshold's name (or id).")
        private String name;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            root.client().delete(THRESHOLDS + "/" + ApiClient.encode(name));
            return root.done(dev.paddock.json.Json.mapper().createObjectNode().put("removed", name),
                    "threshold " + name + " removed");
        }
    }
}
