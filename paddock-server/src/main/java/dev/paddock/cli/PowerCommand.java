package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paddock power show|set|apply CLUSTER}: a cluster's power saving (DPM). */
@Command(name = "power", description = "Save power in a cluster (DPM): show what a round would decide (power hosts"
        + " on, put one in standby through its BMC, or hold) and why, set the policy, or carry it out now.",
        subcommands = {PowerCommand.Show.class, PowerCommand.Set.class, PowerCommand.Apply.class})
final class PowerCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with power saving: show, set or apply (see 'paddock"
                + " power --help').");
    }

    @Command(name = "show", description = "Show a cluster's power-saving policy, what a round would decide now and"
            + " why, and its hosts in standby.")
    static final class Show implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
        private String cluster;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            String id = HostCommand.clusterId(root.client(), cluster);
            JsonNode power = root.client().get("api/v1/clusters/" + ApiClient.encode(id) + "/power-saving");
            if (root.json()) {
                root.printJson(power);
                return 0;
            }
            root.out().println("policy: " + policy(power.path("policy")));
            root.out().println(power.path("decision").path("action").asText() + ": "
                    + power.path("decision").path("summary").asText());
            for (JsonNode standby : power.path("standby")) {
                root.out().println("host " + standby.path("host").asText() + " " + standby.path("state").asText()
                        + " since " + standby.path("since").asText());
            }
            root.out().flush();
            return 0;
        }
    }

    @Command(name = "set", description = "Set a cluster's power-saving policy; options left out keep their value.")
    static final class Set implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
        private String cluster;

        @Option(names = "--mode", paramLabel = "off|recommend|automatic", description = "off: nothing; recommend:"
                + " decisions are shown and a person applies them; automatic: each round's decision is carried out.")
        private String mode;

        @Option(names = "--high", paramLabel = "SHARE", description = "Power hosts on when the load would put the"
                + " hosts on above this share of their CPU (default 0.6).")
        private Double high;

        @Option(names = "--target", paramLabel = "SHARE", description = "What powering on aims for (default 0.5).")
        private Double target;

        @Option(names = "--low", paramLabel = "SHARE", description = "Put a host in standby when the load would stay"
                + " under this share with one host fewer (default 0.4).")
        private Double low;

        @Option(names = "--minimum-on", paramLabel = "N", description = "The fewest hosts left on (default 2; HA"
                + " may ask more).")
        private Integer minimumOn;

        @Option(names = "--settle", paramLabel = "MINUTES", description = "No standby this long after a power-on"
                + " (default 60).")
        private Long settleMinutes;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            String id = HostCommand.clusterId(root.client(), cluster);
            ObjectNode body = ApiClient.changes("mode", mode, "high", high, "target", target, "low", low,
                    "minimumOn", minimumOn, "settleMinutes", settleMinutes);
            JsonNode power = root.client().put("api/v1/clusters/" + ApiClient.encode(id) + "/power-saving", body);
            return root.done(power, "cluster " + cluster + ": " + policy(power.path("policy")) + ".");
        }
    }

    @Command(name = "apply", description = "Carry out what a round would decide now, as one operation.")
    static final class Apply implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
        private String cluster;

        @Option(names = "--wait", description = "Follow the operation until it ends.")
        private boolean wait;

        @Override
        public Integer call() {
            return BalanceCommand.apply(spec, cluster, "power-saving", wait, "power saving of " + cluster);
        }
    }

    private static String policy(JsonNode policy) {
        return "power saving " + policy.path("mode").asText() + ", power on above " + policy.path("high").asText()
                + " to " + policy.path("target").asText() + ", standby under " + policy.path("low").asText()
                + ", at least " + policy.path("minimumOn").asText() + " hosts on, "
                + policy.path("settleMinutes").asText() + " min to settle";
    }
}
