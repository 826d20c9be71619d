package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code paddock host usage NAME} and {@code paddock vm usage NAME}: the latest sample of a host's or a VM's CPU,
 * memory, disk and network, then its series over a span at a step, one row per point.
 */
abstract class UsageCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The name (or id).")
    private String name;

    @Option(names = "--from", defaultValue = "1h", paramLabel = "WHEN", description = "Where the series starts: a"
            + " span before now (30m, 6h, 7d) or an instant (default ${DEFAULT-VALUE}).")
    private String from;

    @Option(names = "--step", paramLabel = "STEP", description = "The step of the rows (5m, 1h); by default the"
            + " finest the server keeps that far back.")
    private String step;

    /** The usage path of the subject with this name or id. */
    abstract String path(ApiClient client, String nameOrId);

    @Override
    public Integer call() {
        PaddockCommand root = PaddockCommand.of(spec);
        ApiClient client = root.client();
        String query = "?from=" + ApiClient.encode(from) + (step == null ? "" : "&step=" + ApiClient.encode(step));
        JsonNode usage = client.get(path(client, name) + query);
        if (root.json()) {
            root.printJson(usage);
            return 0;
        }
        JsonNode latest = usage.path("latest");
        root.out().println(usage.path("kind").asText() + " " + usage.path("name").asText() + ", sampled every "
                + usage.path("intervalSeconds").asText() + " s: " + (latest.isObject() ? "at "
                + latest.path("at").asText() + " CPU " + Format.percent(latest.path("cpu").asDouble()) + ", memory "
                + Format.bytes(latest.path("memoryUsedBytes").asLong()) + " of "
                + Format.bytes(latest.path("memoryBytes").asLong()) + ", disk " + rate(latest.path("diskReadRate"))
                + " read " + rate(latest.path("diskWriteRate")) + " written, network "
                + rate(latest.path("networkReceiveRate")) + " in " + rate(latest.path("networkTransmitRate")) + " out"
                : "no sample yet (it needs two, one interval apart, and a running VM)."));
        Table table = new Table("AT", "CPU", "MEMORY", "DISK READ", "DISK WRITE", "NET IN", "NET OUT");
        for (JsonNode point : usage.path("points")) {
            table.row(point.path("at").asText(), Format.percent(point.path("cpu").asDouble()),
                    Format.bytes(point.path("memoryUsedBytes").asLong()), rate(point.path("diskReadRate")),
                    rate(point.path("diskWriteRate")), rate(point.path("networkReceiveRate")),
                    rate(point.path("networkTransmitRate")));
        }
        table.print(root.out());
        return 0;
    }

    private static String rate(JsonNode bytesPerSecond) {
        return Format.bytes(Math.round(bytesPerSecond.asDouble())) + "/s";
    }

    @Command(name = "usage", description = "A host's CPU and memory use and its VMs' disk and network rates: the"
            + " latest sample, then one row per step.")
    static final class OfHost extends UsageCommand {
        @Override
        String path(ApiClient client, String nameOrId) {
            return "api/v1/hosts/" + ApiClient.encode(HostCommand.hostId(client, nameOrId)) + "/usage";
        }
    }

    @Command(name = "usage", description = "A VM's CPU, memory, disk and network use: the latest sample, then one row"
            + " per step.")
    static final class OfVm extends UsageCommand {
        @Override
        String path(ApiClient client, String nameOrId) {
            return "api/v1/vms/" + ApiClient.encode(VmsCommand.resolve(client, nameOrId).path("id").asText())
                    + "/usage";
        }
    }
}
