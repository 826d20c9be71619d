package dev.paddock.cli;

import dev.paddock.api.ConsolidationResource;
import dev.paddock.json.Json;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.placement.consolidation.ConsolidationPlanner;
import dev.paddock.placement.consolidation.ConsolidationReport;
import dev.paddock.placement.consolidation.HostModel;
import dev.paddock.placement.consolidation.MigrationOperation;
import dev.paddock.placement.consolidation.PhysicalServer;
import dev.paddock.placement.consolidation.ServerInventory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code paddock consolidate plan}: how many hosts of a model the physical servers of a CSV need (N+1), where each
 * application's VM goes, what it saves, and the migration as an operation.
 */
@Command(name = "consolidate", description = "Plan moving physical servers onto virtualization hosts.",
        subcommands = {ConsolidateCommand.Plan.class, ConsolidateCommand.Submit.class})
final class ConsolidateCommand implements Runnable {
    /** Tries of the packing search: with the seed, what makes a plan repeatable. */
    static final long MAX_TRIES = 200_000;

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Name a consolidate verb: paddock consolidate plan FILE.csv"
                + " --host-model MODEL, or paddock consolidate submit FILE.csv --host-model MODEL --cluster ID.");
    }

    /** What both verbs plan from: the servers, the host model, the headroom. */
    static final class Inputs {

        @Parameters(index = "0", paramLabel = "FILE", description = "The servers CSV (see"
                + " examples/consolidation/servers-200.csv for the columns).")
        Path file;

        @Option(names = "--host-model", required = true, paramLabel = "MODEL", description = "small, medium, large,"
                + " or cpu=MILLICORES,memory=MIB,disk=GIB,network=MBITS,watts=W,cost=PRICE.")
        String hostModel;

        @Option(names = "--headroom", defaultValue = "20", paramLabel = "PERCENT",
                description = "Added to the measured peaks (default ${DEFAULT-VALUE}).")
        int headroom;
    }

    @Command(name = "plan", description = "Read a CSV of physical servers and print the consolidation plan.")
    static final class Plan implements Callable<Integer> {

        @Mixin
        private Inputs inputs;

        @Option(names = "--html", paramLabel = "FILE", description = "Also write the report as an HTML page.")
        private Path html;

        @Option(names = "--operation", paramLabel = "FILE",
                description = "Also write the migration as an operation plan (JSON).")
        private Path operation;

        @Option(names = "--seconds", defaultValue = "10", description = "Packing search budget (default"
                + " ${DEFAULT-VALUE}).")
        private int seconds;

        @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
        private long seed;

        @picocli.CommandLine.Spec
        private picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (inputs.headroom < 0 || inputs.headroom > 1000) {
                throw new CliException(ExitCode.USAGE, "--headroom must be between 0 and 1000.");
            }
            if (seconds < 1 || seconds > 3600) {
                throw new CliException(ExitCode.USAGE, "--seconds must be between 1 and 3600.");
            }
            HostModel model;
            try {
                model = HostModel.parse(inputs.hostModel);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, "--host-model: " + e.getMessage().replaceFirst(
                        "^host model: ", "") + ".");
            }
            try {
                List<PhysicalServer> servers = ServerInventory.parse(read(inputs.file));
                ConsolidationPlanner.Plan plan = ConsolidationPlanner.plan(servers, model, inputs.headroom,
                        Duration.ofSeconds(seconds), System::nanoTime, seed, MAX_TRIES);
                int steps = 0;
                if (!plan.migrations().isEmpty()) {
                    OperationPlan migration = MigrationOperation.of(plan, "consolidated", "host",
                            "paddock consolidate");
                    steps = migration.steps().size();
                    if (operation != null) {
                        write(operation, Json.mapper().writerWithDefaultPrettyPrinter()
                                .writeValueAsString(migration));
                    }
                }
                if (html != null) {
                    write(html, ConsolidationReport.html(plan, steps));
                }
                print(plan, steps);
                return 0;
            } catch (ServerInventory.InvalidInventoryException e) {
                throw new CliException(ExitCode.REJECTED, inputs.file + ": " + e.getMessage() + ".");
            } catch (IOException e) {
                throw new CliException(ExitCode.ERROR, "cannot write the report: " + e.getMessage() + ".");
            }
        }

        /** The plan as the API's JSON with {@code -o json}, else the text report and what was written where. */
        private void print(ConsolidationPlanner.Plan plan, int steps) {
            PaddockCommand root = PaddockCommand.of(spec);
            if (root.json()) {
                root.printJson(Json.mapper().valueToTree(ConsolidationResource.of(plan, null)));
                return;
            }
            PrintWriter out = root.out();
            out.print(ConsolidationReport.text(plan, steps));
            if (html != null) {
                out.println("HTML report written to " + html);
            }
            if (operation != null && steps > 0) {
                out.println("Operation plan written to " + operation);
            }
            out.flush();
        }

        static String read(Path file) {
            return TextFile.read(file);
        }

        private static void write(Path target, String text) throws IOException {
            Files.writeString(target, text);
        }
    }

    @Command(name = "submit", description = "Plan on the server and define every VM on the cluster's hosts (in name"
            + " order) as one operation; the host model must be no larger than the cluster's hosts.")
    static final class Submit implements Callable<Integer> {

        @Mixin
        private Inputs inputs;

        @Option(names = "--cluster", required = true, paramLabel = "ID", description = "The cluster whose hosts"
                + " receive the VMs.")
        private String cluster;

        @Option(names = "--seconds", defaultValue = "10", description = "Packing search budget (default"
                + " ${DEFAULT-VALUE}, at most 20 here).")
        private int seconds;

        @Option(names = "--wait", description = "Follow the operation until it ends.")
        private boolean wait;

        @picocli.CommandLine.Spec
        private picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (seconds < 1 || seconds > 20) {
                throw new CliException(ExitCode.USAGE, "--seconds must be between 1 and 20.");
            }
            var request = Json.mapper().createObjectNode()
                    .put("inventory", Plan.read(inputs.file))
                    .put("hostModel", inputs.hostModel)
                    .put("headroomPercent", inputs.headroom)
                    .put("seconds", seconds)
                    .put("clusterId", cluster)
                    .put("execute", true);
            var answer = PaddockCommand.of(spec).client().post("api/v1/consolidation/plans", request);
            if (!PaddockCommand.of(spec).json()) {
                PaddockCommand.of(spec).out().println(answer.path("vms").asInt() + " VMs from "
                        + answer.path("serversBefore").asInt() + " servers onto " + answer.path("hostsForLoad").asInt()
                        + " hosts of cluster " + cluster + " (" + answer.path("hostsWithSpare").asInt()
                        + " with the N+1 spare).");
            }
            return VmCommand.accepted(spec, answer.path("operation"), wait, "consolidate");
        }
    }
}
