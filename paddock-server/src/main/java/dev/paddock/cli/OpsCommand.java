package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code paddock ops}: recent operations; {@code paddock ops watch ID}: follow one until it ends; {@code paddock ops
 * cancel ID}: ask one to stop.
 */
@Command(name = "ops", description = "List operations, newest first.", subcommands = {OpsCommand.Watch.class,
        OpsCommand.Cancel.class})
final class OpsCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--limit", defaultValue = "20", description = "How many (default ${DEFAULT-VALUE}).")
    private int limit;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new CliException(ExitCode.USAGE, "--limit must be at least 1.");
        }
        PaddockCommand root = PaddockCommand.of(spec);
        JsonNode page = root.client().get("api/v1/operations?limit=" + limit);
        if (root.json()) {
            root.printJson(page);
            return 0;
        }
        Table table = new Table("ID", "KIND", "STATE", "PROGRESS", "OWNER", "CREATED", "TARGET");
        for (JsonNode op : page.path("items")) {
            table.row(op.path("id").asText(), op.path("kind").asText(), op.path("state").asText(),
                    op.path("stepsDone").asInt() + "/" + op.path("stepsTotal").asInt(), op.path("owner").asText(),
                    op.path("created").asText(), op.path("target").asText());
        }
        table.print(root.out());
        return 0;
    }

    @Command(name = "watch", description = "Follow an operation with a progress bar until it ends.")
    static final class Watch implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "The operation's id.")
        private String id;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            OperationWatch watch = new OperationWatch(root.client(), Duration.ofMillis(200));
            JsonNode operation = watch.follow(id, root.json() ? null : root.out());
            if (root.json()) {
                root.printJson(operation);
            }
            return OperationWatch.outcome(operation, root.err());
        }
    }

    @Command(name = "cancel", description = "Cancel an operation that has not ended: the step under way finishes,"
            + " then what was done is rolled back.")
    static final class Cancel implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "The operation's id.")
        private String id;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode operation = root.client().post("api/v1/operations/" + ApiClient.encode(id) + "/cancel", null);
            if (root.json()) {
                root.printJson(operation);
            } else {
                root.out().println("cancel requested for operation " + operation.path("id").asText() + " ("
                        + operation.path("kind").asText() + " " + operation.path("target").asText() + "): "
                        + operation.path("state").asText().toLowerCase(java.util.Locale.ROOT));
            }
            return 0;
        }
    }
}
