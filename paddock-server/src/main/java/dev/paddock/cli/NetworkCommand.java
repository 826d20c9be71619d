package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.api.Requests;
import dev.paddock.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paddock network create|list|delete|repair}: networks, and the hosts that carry them. */
@Command(name = "network", description = "Create networks on hosts, or list them with the hosts that carry them.",
        subcommands = {NetworkCommand.Create.class, NetworkCommand.ListNetworks.class, NetworkCommand.Delete.class,
            NetworkCommand.Repair.class})
final class NetworkCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with networks: create, list, delete or repair (see"
                + " 'paddock network --help').");
    }

    @Command(name = "create", description = "Create a network on the hosts --host names (isolated, on a bridge"
            + " libvirt makes, unless --bridge names a host bridge or --switch an Open vSwitch switch to lay it"
            + " over, --vlan tagging its ports on a switch); without --host, declare it for every host of its site.")
    static final class Create implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Unique in its site; the libvirt network's name on each host.")
        private String name;

        @Option(names = "--host", paramLabel = "HOST", description = "A host (name or id) to make it on; repeat for"
                + " more hosts.")
        private List<String> hosts = List.of();

        @Option(names = "--bridge", paramLabel = "BRIDGE", description = "The host bridge to lay it over, on each"
                + " host.")
        private String bridge;

        @Option(names = "--switch", paramLabel = "SWITCH", description = "The Open vSwitch switch to lay it over,"
                + " on each host.")
        private String switchName;

        @Option(names = "--vlan", paramLabel = "ID", description = "The 802.1Q VLAN (1 to 4094) of its ports.")
        private Integer vlan;

        @Option(names = "--isolated", description = "Its VMs hear nothing from each other, on any host; they still"
                + " reach what else is on it (a gateway, the uplink). Enforced on Open vSwitch switches.")
        private boolean isolated;

        @Option(names = "--site", paramLabel = "ID", description = "The site (needed when there are several).")
        private String site;

        @Option(names = "--wait", description = "Follow the operation until it ends.")
        private boolean wait;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            ApiClient client = root.client();
            String siteId = site != null ? site : onlySite(client);
            JsonNode answer = client.post("api/v1/networks", new Requests.NewNetwork(siteId, name, vlan, isolated ? true : null,
                    hosts.isEmpty() ? null : hosts, bridge, switchName));
            if (!hosts.isEmpty()) {
                return VmCommand.accepted(spec, answer, wait, "create network " + name);
            }
            if (root.json()) {
                root.printJson(answer);
            } else {
                root.out().println("network " + name + " declared for every host of site " + siteId + " (id "
                        + answer.path("id").asText() + ").");
                root.out().flush();
            }
            return 0;
        }

        private static String onlySite(ApiClient client) {
            JsonNode sites = client.get("api/v1/sites").path("items");
            if (sites.size() != 1) {
                throw new CliException(ExitCode.USAGE, "Say which site with --site: the room has " + sites.size()
                        + " sites.");
            }
            return sites.get(0).path("id").asText();
        }
    }

    @Command(name = "list", description = "List networks, with the hosts that carry each.")
    static final class ListNetworks implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            ApiClient client = root.client();
            JsonNode networks = client.get("api/v1/networks");
            if (root.json()) {
                root.printJson(networks);
                return 0;
            }
            Map<String, String> hostNames = new HashMap<>();
            client.get("api/v1/hosts").path("items")
                    .forEach(host -> hostNames.put(host.path("id").asText(), host.path("name").asText()));
            Table table = new Table("NAME", "SITE", "HOSTS", "BRIDGES", "VLAN", "ISOLATED", "HOSTS AGREE", "ID");
            for (JsonNode network : networks.path("items")) {
                List<String> hosts = new ArrayList<>();
                List<String> bridges = new ArrayList<>();
                network.path("carriers").properties().forEach(carrier -> {
                    hosts.add(hostNames.getOrDefault(carrier.getKey(), carrier.getKey()));
                    String bridge = carrier.getValue().path("bridge").asText("");
                    if (!bridge.isEmpty() && !bridges.contains(bridge)) {
                        bridges.add(bridge);
                    }
                });
                table.row(network.path("name").asText(), network.path("siteId").asText(),
                        hosts.isEmpty() ? "(whole site)" : String.join(",", hosts),
                        bridges.isEmpty() ? "-" : String.join(",", bridges),
                        network.path("vlan").isNumber() ? network.path("vlan").asText() : "-",
                        network.path("isolated").asBoolean() ? "yes" : "no", agreement(network, hostNames),
                        network.path("id").asText());
            }
            table.print(root.out());
            return 0;
        }
    }

    /** "yes", or "no: h2 (on switch sw0 in VLAN 20)" naming each host that lays it otherwise. */
    static String agreement(JsonNode network, Map<String, String> hostNames) {
        List<String> drifted = new ArrayList<>();
        network.path("drift").properties().forEach(host -> drifted.add(hostNames.getOrDefault(host.getKey(),
                host.getKey()) + " (" + (host.getValue().path("openvswitch").asBoolean() ? "switch " : "bridge ")
                + host.getValue().path("bridge").asText() + (host.getValue().path("vlan").isNumber() ? " VLAN "
                + host.getValue().path("vlan").asText() : "") + ")"));
        return drifted.isEmpty() ? "yes" : "no: " + String.join(", ", drifted);
    }

    @Command(name = "repair", description = "Lay the network anew, as its other hosts agree, on each host that lays it"
            + " otherwise (another switch, bridge or VLAN); refused while a VM runs there with a NIC on it.")
    static final class Repair implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME-or-ID")
        private String network;

        @Option(names = "--wait", description = "Follow the operation until it ends.")
        private boolean wait;

        @Override
        public Integer call() {
            ApiClient client = PaddockCommand.of(spec).client();
            String id = Delete.resolve(client, network);
            JsonNode answer = client.post("api/v1/networks/" + ApiClient.encode(id) + "/repair", null);
            return VmCommand.accepted(spec, answer, wait, "repair network " + network);
        }
    }

    @Command(name = "delete", description = "Delete a network: a declared one is forgotten, one carried by hosts is"
            + " undefined on each of them; refused while a VM has a NIC on it.")
    static final class Delete implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME-or-ID")
        private String network;

        @Option(names = "--wait", description = "Follow the operation until it ends.")
        private boolean wait;

        @Override
        public Integer call() {
            ApiClient client = PaddockCommand.of(spec).client();
            String id = resolve(client, network);
            JsonNode answer = client.delete("api/v1/networks/" + ApiClient.encode(id));
            return deleted(spec, answer, wait, "network", network, id);
        }

        /** The id of the network with this name or id. */
        static String resolve(ApiClient client, String nameOrId) {
            List<String> found = new ArrayList<>();
            for (JsonNode network : client.get("api/v1/networks?limit=1000").path("items")) {
                if (network.path("id").asText().equals(nameOrId)) {
                    return nameOrId;
                }
                if (network.path("name").asText().equals(nameOrId)) {
                    found.add(network.path("id").asText());
                }
            }
            if (found.isEmpty()) {
                throw new CliException(ExitCode.NOT_FOUND, "No network is named '" + nameOrId + "'.");
            }
            if (found.size() > 1) {
                throw new CliException(ExitCode.USAGE, "Several sites have a network named '" + nameOrId + "'; name"
                        + " it by id.");
            }
            return found.getFirst();
        }
    }

    /**
     * What a delete answered: an operation (202), printed and followed with {@code wait}, or nothing (204: a
     * declared one forgotten at once), said in a line or as {@code {"id": ..., "deleted": true}}.
     */
    static int deleted(CommandLine.Model.CommandSpec spec, JsonNode answer, boolean wait, String what, String name,
            String id) {
        if (answer.isObject() && answer.has("kind")) {
            return VmCommand.accepted(spec, answer, wait, "delete " + what + " " + name);
        }
        PaddockCommand root = PaddockCommand.of(spec);
        return root.done(Json.mapper().createObjectNode().put("id", id).put("deleted", true), what + " " + name
                + " forgotten.");
    }
}
