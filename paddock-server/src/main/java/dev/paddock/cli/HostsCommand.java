package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code paddock hosts}: the hosts, with their capacity and how many VMs each holds. */
@Command(name = "hosts", description = "List hosts.")
final class HostsCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PaddockCommand root = PaddockCommand.of(spec);
        JsonNode hosts = root.client().get("api/v1/hosts");
        if (root.json()) {
            root.printJson(hosts);
            return 0;
        }
        Table table = new Table("NAME", "STATE", "POWER", "CPU", "MEMORY", "URI", "ID");
        for (JsonNode host : hosts.path("items")) {
            JsonNode capacity = host.path("capacity");
            table.row(host.path("name").asText(), host.path("state").asText(), host.path("power").asText(),
                    Format.cpus(capacity.path("cpuMillicores").asLong()),
                    Format.mebibytes(capacity.path("memoryMib").asLong()), host.path("uri").asText(),
                    host.path("id").asText());
        }
        table.print(root.out());
        return 0;
    }
}
