package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code paddock host add NAME --cluster C --uri URI [--credential CRED]} and {@code paddock host remove NAME}: a host
 * in the inventory; {@code paddock host maintenance enter|exit NAME}: one host's maintenance, which disarms HA for it;
 * {@code paddock host fault crash|power-on|isolate|reconnect NAME}: a fault in the simulated room.
 */
@Command(name = "host", description = "Act on one host.", subcommands = {HostCommand.Add.class,
        HostCommand.Remove.class, HostCommand.Maintenance.class, HostCommand.HostFault.class,
        UsageCommand.OfHost.class})
final class HostCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with a host: add, remove, maintenance, fault or usage"
                + " (see 'paddock host --help').");
    }

    @Command(name = "add", description = "Add a host: Paddock connects to its libvirt at --uri and keeps it live.")
    static final class Add implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @CommandLine.Option(names = "--cluster", required = true, paramLabel = "CLUSTER", description = "The"
                + " cluster's name or id.")
        private String cluster;

        @CommandLine.Option(names = "--uri", required = true, paramLabel = "URI", description = "libvirt's URI of"
                + " the host: qemu+tls://ADDRESS/system, qemu+libssh://root@ADDRESS/system, qemu+tcp://..., or"
                + " sim://NAME for a simulated host.")
        private String uri;

        @CommandLine.Option(names = "--credential", paramLabel = "CRED", description = "A libvirt credential kept"
                + " with 'paddock credential add' to connect with (added to the URI as ?credential=CRED).")
        private String credential;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            ApiClient client = root.client();
            String withCredential = credential == null ? uri
                    : uri + (uri.contains("?") ? "&" : "?") + "credential=" + credential;
            JsonNode host = client.post("api/v1/hosts", Map.of("clusterId", clusterId(client, cluster),
                    "name", name, "uri", withCredential));
            return root.done(host, "host " + name + " added (" + host.path("id").asText() + "), "
                    + host.path("state").asText().toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Command(name = "remove", description = "Remove an empty host from the inventory and close its connection.")
    static final class Remove implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The host's name (or id).")
        private String name;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            ApiClient client = root.client();
            client.delete("api/v1/hosts/" + ApiClient.encode(hostId(client, name)));
            return root.done(dev.paddock.json.Json.mapper().createObjectNode().put("removed", name),
                    "host " + name + " removed");
        }
    }

    /** The id of the cluster with this name or id. */
    static String clusterId(ApiClient client, String nameOrId) {
        return idNamed(client, "clusters", "cluster", nameOrId);
    }

    /** The two ways in and out of maintenance. */
    enum Action {
        enter,
        exit
    }

    /**
     * A verb on one host, named by name or id in the second parameter: finds it, sends the request {@link #send}
     * builds, and prints the answer as JSON or as the sentence {@link #sentence} makes of it.
     */
    abstract static class OnHost implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(index = "1", paramLabel = "NAME", description = "The host's name (or id).")
        String name;

        /** Sends the request for the host of that id and returns the answer. */
        abstract JsonNode send(ApiClient client, String id);

        /** What the answer means, in one sentence. */
        abstract String sentence(JsonNode answer);

        @Override
        public final Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            ApiClient client = root.client();
            JsonNode answer = send(client, ApiClient.encode(hostId(client, name)));
            if (root.json()) {
                root.printJson(answer);
                return 0;
            }
            root.out().println(sentence(answer));
            root.out().flush();
            return 0;
        }
    }

    @Command(name = "maintenance", description = "Enter or exit maintenance: a host in maintenance takes no new VMs"
            + " and HA neither fences it nor restarts its VMs. Entering migrates its running VMs away, or is refused"
            + " when one fits on no other host.")
    static final class Maintenance extends OnHost {

        @Parameters(index = "0", paramLabel = "enter|exit", description = "enter or exit.")
        private Action action;

        @picocli.CommandLine.Option(names = "--power-off-unmovable", description = "enter: shut down the VMs that fit"
                + " on no other host instead of refusing.")
        private boolean powerOffUnmovable;

        @Override
        JsonNode send(ApiClient client, String id) {
            return client.post("api/v1/hosts/" + id + "/maintenance", powerOffUnmovable
                    ? Map.of("action", action.name(), "powerOffUnmovable", true) : Map.of("action", action.name()));
        }

        @Override
        String sentence(JsonNode state) {
            boolean changed = state.path("changed").asBoolean();
            String where = action == Action.enter ? "in maintenance" : "out of maintenance";
            String moved = state.path("operation").isTextual()
                    ? " Its running VMs migrate away in operation " + state.path("operation").asText()
                            .replaceFirst(".*/", "") + "."
                    : "";
            return "Host " + name + (changed ? " is now " : " was already ") + where + "." + moved;
        }
    }

    @Command(name = "fault", description = "Simulated hosts only: crash one, power it on, cut it from the management"
            + " network (isolate) or reconnect it, and watch HA with 'paddock ha status'.")
    static final class HostFault extends OnHost {

        @Parameters(index = "0", paramLabel = "crash|power-on|isolate|reconnect", description = "What happens to"
                + " the host.")
        private String fault;

        @Override
        JsonNode send(ApiClient client, String id) {
            return client.post("api/v1/sim/hosts/" + id + "/faults", Map.of("fault", fault));
        }

        @Override
        String sentence(JsonNode state) {
            return "Host " + name + " is " + (state.path("poweredOn").asBoolean() ? "powered on" : "powered off")
                    + (state.path("isolated").asBoolean() ? ", cut from the management network" : "")
                    + "; follow HA with 'paddock ha status'.";
        }
    }

    /** The id of the host with this name or id. */
    static String hostId(ApiClient client, String nameOrId) {
        return idNamed(client, "hosts", "host", nameOrId);
    }

    /** The id of the item of {@code collection} with this name or id; exit 3 with a sentence when none has it. */
    private static String idNamed(ApiClient client, String collection, String kind, String nameOrId) {
        for (JsonNode item : client.get("api/v1/" + collection).path("items")) {
            if (item.path("name").asText().equals(nameOrId) || item.path("id").asText().equals(nameOrId)) {
                return item.path("id").asText();
            }
        }
        throw new CliException(ExitCode.NOT_FOUND, "No " + kind + " is named '" + nameOrId + "'.");
    }
}
