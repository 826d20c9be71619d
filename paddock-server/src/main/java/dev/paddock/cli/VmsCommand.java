package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code paddock vms}: every VM, fetched page by page. */
@Command(name = "vms", description = "List VMs.")
final class VmsCommand implements Callable<Integer> {

    static final int PAGE = 1000;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PaddockCommand root = PaddockCommand.of(spec);
        ApiClient client = root.client();
        List<JsonNode> vms = all(client);
        if (root.json()) {
            root.printJson(dev.paddock.json.Json.mapper().valueToTree(vms));
            return 0;
        }
        Map<String, String> hostNames = new HashMap<>();
        client.get("api/v1/hosts").path("items")
                .forEach(host -> hostNames.put(host.path("id").asText(), host.path("name").asText()));
        Table table = new Table("NAME", "STATE", "HOST", "CPU", "MEMORY", "ID");
        for (JsonNode vm : vms) {
            JsonNode demand = vm.path("demand");
            String host = vm.path("hostId").asText("");
            table.row(vm.path("name").asText(), vm.path("state").asText(),
                    host.isEmpty() ? "-" : hostNames.getOrDefault(host, host),
                    Format.cpus(demand.path("cpuMillicores").asLong()),
                    Format.mebibytes(demand.path("memoryMib").asLong()), vm.path("id").asText());
        }
        table.print(root.out());
        return 0;
    }

    static List<JsonNode> all(ApiClient client) {
        List<JsonNode> vms = new ArrayList<>();
        for (int offset = 0; ; offset += PAGE) {
            JsonNode page = client.get("api/v1/vms?offset=" + offset + "&limit=" + PAGE);
            page.path("items").forEach(vms::add);
            if (page.path("items").size() < PAGE) {
                return vms;
            }
        }
    }

    /** The VM named or identified by {@code nameOrId}; a name shared by several VMs must be given as an id. */
    static JsonNode resolve(ApiClient client, String nameOrId) {
        try {
            return client.get("api/v1/vms/" + ApiClient.encode(nameOrId));
        } catch (CliException e) {
            if (e.exitCode() != ExitCode.NOT_FOUND) {
                throw e;
            }
        }
        List<JsonNode> named = all(client).stream().filter(vm -> vm.path("name").asText().equals(nameOrId)).toList();
        if (named.isEmpty()) {
            throw new CliException(ExitCode.NOT_FOUND, "No VM is named or has id '" + nameOrId + "'.");
        }
        if (named.size() > 1) {
            throw new CliException(ExitCode.REJECTED, named.size() + " VMs are named '" + nameOrId
                    + "' (in different clusters); give the id instead.");
        }
        return named.getFirst();
    }
}
