package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paddock balance show|set|apply CLUSTER}: a cluster's balancing (DRS), its plan and its policy. */
@Command(name = "balance", description = "Balance a cluster's load across its hosts (DRS): show what a round would"
        + " move and why, set the policy (off, recommend, automatic), or apply the plan now.",
        subcommands = {BalanceCommand.Show.class, BalanceCommand.Set.class, BalanceCommand.Apply.class})
final class BalanceCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with balancing: show, set or apply (see 'paddock"
                + " balance --help').");
    }

    @Command(name = "show", description = "Show a cluster's balancing policy and what a round would move now, each"
            + " move with why, and the moves rules blocked.")
    static final class Show implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
        private String cluster;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            String id = HostCommand.clusterId(root.client(), cluster);
            JsonNode balancing = root.client().get("api/v1/clusters/" + ApiClient.encode(id) + "/balancing");
            if (root.json()) {
                root.printJson(balancing);
                return 0;
            }
            print(root, balancing);
            return 0;
        }
    }

    @Command(name = "set", description = "Set a cluster's balancing policy; options left out keep their value.")
    static final class Set implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
        private String cluster;

        @Option(names = "--mode", paramLabel = "off|recommend|automatic", description = "off: nothing; recommend:"
                + " plans are shown and a person applies them; automatic: each round's moves run by themselves.")
        private String mode;

        @Option(names = "--threshold", paramLabel = "POINTS", description = "Balance when the standard deviation of"
                + " host CPU use is above this many points (default 10).")
        private Double threshold;

        @Option(names = "--minimum-gain", paramLabel = "POINTS", description = "A round moves nothing unless it takes"
                + " this many points off (default 2).")
        private Double minimumGain;

        @Option(names = "--move-gain", paramLabel = "POINTS", description = "Each move takes at least this many"
                + " points off (default 1.5).")
        private Double moveGain;

        @Option(names = "--max-moves", paramLabel = "N", description = "The most migrations a round makes (default"
                + " 8).")
        private Integer maxMoves;

        @Option(names = "--cool-down", paramLabel = "MINUTES", description = "A VM balancing moved stays put this"
                + " long (default 60).")
        private Long coolDownMinutes;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            String id = HostCommand.clusterId(root.client(), cluster);
            ObjectNode body = ApiClient.changes("mode", mode, "threshold", threshold, "minimumGain", minimumGain,
                    "moveGain", moveGain, "maxMoves", maxMoves, "coolDownMinutes", coolDownMinutes);
            JsonNode balancing = root.client().put("api/v1/clusters/" + ApiClient.encode(id) + "/balancing", body);
            return root.done(balancing, "cluster " + cluster + ": " + policy(balancing.path("policy")) + ".");
        }
    }

    @Command(name = "apply", description = "Run the moves a round would make now, as one operation.")
    static final class Apply implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
        private String cluster;

        @Option(names = "--wait", description = "Follow the operation until it ends.")
        private boolean wait;

        @Override
        public Integer call() {
            return apply(spec, cluster, "balancing", wait, "balance " + cluster);
        }
    }

    /**
     * Applies what a round of a cluster's {@code capability} ("balancing", "power-saving") would do now, and prints
     * the operation it starts or follows it when asked to wait.
     */
    static int apply(CommandLine.Model.CommandSpec spec, String cluster, String capability, boolean wait,
            String what) {
        PaddockCommand root = PaddockCommand.of(spec);
        String id = HostCommand.clusterId(root.client(), cluster);
        JsonNode operation = root.client().post("api/v1/clusters/" + ApiClient.encode(id) + "/" + capability
                + "/apply", Map.of());
        return VmCommand.accepted(spec, operation, wait, what);
    }

    private static void print(PaddockCommand root, JsonNode balancing) {
        JsonNode plan = balancing.path("plan");
        root.out().println("policy: " + policy(balancing.path("policy")));
        root.out().println(plan.path("summary").asText());
        Table hosts = new Table("HOST", "CPU");
        plan.path("hostCpu").properties().forEach(e -> hosts.row(e.getKey(),
                Math.round(e.getValue().asDouble() * 100) + " %"));
        hosts.print(root.out());
        if (!plan.path("moves").isEmpty()) {
            Table moves = new Table("VM", "FROM", "TO", "REASON", "IMBALANCE", "COPY", "WHY");
            for (JsonNode move : plan.path("moves")) {
                moves.row(move.path("vm").asText(), move.path("from").asText(), move.path("to").asText(),
                        move.path("reason").asText(), move.path("imbalanceBefore").asText() + " → "
                                + move.path("imbalanceAfter").asText(), move.path("copyGib").asText() + " GiB",
                        move.path("explanation").asText());
            }
            moves.print(root.out());
        }
        for (JsonNode blocked : plan.path("blocked")) {
            root.out().println("blocked by " + blocked.path("rule").asText() + ": VM " + blocked.path("vm").asText()
                    + (blocked.path("to").asText().isEmpty() ? "" : " to " + blocked.path("to").asText()) + ": "
                    + blocked.path("reason").asText());
        }
        root.out().flush();
    }

    private static String policy(JsonNode policy) {
        return "balancing " + policy.path("mode").asText() + ", threshold " + policy.path("threshold").asText()
                + " points, minimum gain " + policy.path("minimumGain").asText() + ", move gain "
                + policy.path("moveGain").asText() + ", at most " + policy.path("maxMoves").asText()
                + " moves a round, cool-down " + policy.path("coolDownMinutes").asText() + " min";
    }
}
