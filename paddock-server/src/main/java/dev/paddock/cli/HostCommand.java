package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code paddock host maintenance enter|exit NAME}: one host's maintenance, which disarms HA for it;
 * {@code paddock host fault crash|power-on|isolate|reconnect NAME}: a fault in the simulated room.
 */
@Command(name = "host", description = "Act on one host.", subcommands = {HostCommand.Maintenance.class,
        HostCommand.HostFault.class})
final class HostCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with a host: maintenance or fault (see 'paddock host --help').");
    }

    /** The two ways in and out of maintenance. */
    enum Action {
        enter,
        exit
    }

    @Command(name = "maintenance", description = "Enter or exit maintenance: a host in maintenance takes no new VMs"
            + " and HA neither fences it nor restarts its VMs.")
    static final class Maintenance implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "enter|exit", description = "enter or exit.")
        private Action action;

        @Parameters(index = "1", paramLabel = "NAME", description = "The host's name (or id).")
        private String name;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            ApiClient client = root.client();
            String id = hostId(client, name);
            JsonNode state = client.post("api/v1/hosts/" + ApiClient.encode(id) + "/maintenance",
                    Map.of("action", action.name()));
            if (root.json()) {
                root.printJson(state);
                return 0;
            }
            boolean changed = state.path("changed").asBoolean();
            String where = action == Action.enter ? "in maintenance" : "out of maintenance";
            root.out().println("Host " + name + (changed ? " is now " : " was already ") + where + ".");
            root.out().flush();
            return 0;
        }
    }

    @Command(name = "fault", description = "Simulated hosts only: crash one, power it on, cut it from the management"
            + " network (isolate) or reconnect it, and watch HA with 'paddock ha status'.")
    static final class HostFault implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "crash|power-on|isolate|reconnect", description = "What happens to"
                + " the host.")
        private String fault;

        @Parameters(index = "1", paramLabel = "NAME", description = "The host's name (or id).")
        private String name;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            ApiClient client = root.client();
            String id = hostId(client, name);
            JsonNode state = client.post("api/v1/sim/hosts/" + ApiClient.encode(id) + "/faults",
                    Map.of("fault", fault));
            if (root.json()) {
                root.printJson(state);
                return 0;
            }
            root.out().println("Host " + name + " is " + (state.path("poweredOn").asBoolean() ? "powered on" : "powered"
                    + " off") + (state.path("isolated").asBoolean() ? ", cut from the management network" : "")
                    + "; follow HA with 'paddock ha status'.");
            root.out().flush();
            return 0;
        }
    }

    /** The id of the host with this name or id. */
    static String hostId(ApiClient client, String nameOrId) {
        for (JsonNode host : client.get("api/v1/hosts").path("items")) {
            if (host.path("name").asText().equals(nameOrId) || host.path("id").asText().equals(nameOrId)) {
                return host.path("id").asText();
            }
        }
        throw new CliException(ExitCode.NOT_FOUND, "No host is named '" + nameOrId + "'.");
    }
}
