package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code paddock ha status}: what HA believes of every host, and whether it is armed for it. */
@Command(name = "ha", description = "High availability.", subcommands = HaCommand.Status.class)
final class HaCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to see of HA: status (see 'paddock ha --help').");
    }

    @Command(name = "status", description = "HA's view of every host: armed or not, and its health.")
    static final class Status implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode status = root.client().get("api/v1/ha/status");
            if (root.json()) {
                root.printJson(status);
                return 0;
            }
            Table table = new Table("HOST", "CLUSTER", "HA", "HEALTH");
            for (JsonNode host : status.path("hosts")) {
                table.row(host.path("hostName").asText(), host.path("clusterId").asText(),
                        host.path("armed").asBoolean() ? "armed" : "disarmed", host.path("health").asText());
            }
            table.print(root.out());
            return 0;
        }
    }
}
