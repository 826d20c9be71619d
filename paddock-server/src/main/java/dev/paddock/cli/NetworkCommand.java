package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.api.Requests;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paddock network create|list}: networks, and the hosts that carry them. */
@Command(name = "network", description = "Create networks on hosts, or list them with the hosts that carry them.",
        subcommands = {NetworkCommand.Create.class, NetworkCommand.ListNetworks.class})
final class NetworkCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with networks: create or list (see 'paddock network"
                + " --help').");
    }

    @Command(name = "create", description = "Create a network on the hosts --host names (isolated, on a bridge"
            + " libvirt makes, unless --bridge names a host bridge to lay it over); without --host, declare it for"
            + " every host of its site.")
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

        @Option(names = "--site", paramLabel = "ID", description = "The site (needed when there are several).")
        private String site;

        @Option(names = "--wait", description = "Follow the operation until it ends.")
        private boolean wait;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            ApiClient client = root.client();
            String siteId = site != null ? site : onlySite(client);
            JsonNode answer = client.post("api/v1/networks", new Requests.NewNetwork(siteId, name, null, null,
                    hosts.isEmpty() ? null : hosts, bridge));
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
            Table table = new Table("NAME", "SITE", "HOSTS", "BRIDGES", "VLAN", "ID");
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
                        network.path("id").asText());
            }
            table.print(root.out());
            return 0;
        }
    }
}
