package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.api.Requests;
import dev.paddock.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paddock licence set|list|delete}: licences, their rules, and their use. */
@Command(name = "licence", description = "Set licences (what they entitle, where, how often they may move), list them"
        + " with their use, or delete them.", subcommands = {LicenceCommand.Set.class, LicenceCommand.ListLicences.class,
                LicenceCommand.Delete.class})
final class LicenceCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with licences: set, list or delete (see 'paddock licence"
                + " --help').");
    }

    @Command(name = "set", description = "Create a licence, or replace its rules: VMs started with --licence NAME then"
            + " run only as it says.")
    static final class Set implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Option(names = "--metric", paramLabel = "vm|host-core", required = true, description = "What it counts: each"
                + " VM carrying it, or every core of each host running one.")
        private String metric;

        @Option(names = "--entitlement", paramLabel = "N", description = "How many it covers (0, the default: no"
                + " limit).")
        private Long entitlement;

        @Option(names = "--site", paramLabel = "ID", description = "A site it may be used in; repeat for more (none:"
                + " every site).")
        private List<String> sites = List.of();

        @Option(names = "--relocation-days", paramLabel = "DAYS", description = "A VM's licence moves to another host"
                + " at most once in DAYS days (0, the default: no rule); a restart after a host failure is free.")
        private Long relocationDays;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            boolean exists = false;
            for (JsonNode known : root.client().get("api/v1/licences").path("items")) {
                exists |= known.path("name").asText().equals(name);
            }
            Requests.NewLicence rules = new Requests.NewLicence(exists ? null : name, metric, entitlement,
                    sites.isEmpty() ? null : sites, relocationDays);
            JsonNode licence = exists ? root.client().put("api/v1/licences/" + ApiClient.encode(name), rules)
                    : root.client().post("api/v1/licences", rules);
            return root.done(licence, "licence " + name + " set: " + describe(licence) + ".");
        }
    }

    @Command(name = "list", description = "List licences with their use against entitlement.")
    static final class ListLicences implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode licences = root.client().get("api/v1/licences");
            if (root.json()) {
                root.printJson(licences);
                return 0;
            }
            Table table = new Table("NAME", "METRIC", "IN USE", "ENTITLEMENT", "SITES", "RELOCATION", "BOUND VMS");
            for (JsonNode licence : licences.path("items")) {
                List<String> sites = new ArrayList<>();
                licence.path("sites").forEach(site -> sites.add(site.asText()));
                table.row(licence.path("name").asText(), licence.path("metric").asText(),
                        licence.path("inUse").asText(), licence.path("entitlement").asInt() == 0 ? "unlimited"
                                : licence.path("entitlement").asText(), sites.isEmpty() ? "all" : String.join(",", sites),
                        licence.path("relocationDays").asInt() == 0 ? "-"
                                : "once in " + licence.path("relocationDays").asText() + " days",
                        licence.path("bindings").size() + "");
            }
            table.print(root.out());
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a licence: VMs carrying its name then need a host that carries it.")
    static final class Delete implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            root.client().delete("api/v1/licences/" + ApiClient.encode(name));
            return root.done(Json.mapper().createObjectNode().put("name", name).put("deleted", true), "licence " + name
                    + " deleted.");
        }
    }

    private static String describe(JsonNode licence) {
        return licence.path("metric").asText() + ", " + (licence.path("entitlement").asInt() == 0 ? "no limit"
                : licence.path("entitlement").asText() + " entitled") + ", " + licence.path("inUse").asText()
                + " in use" + (licence.path("relocationDays").asInt() == 0 ? ""
                        : ", reassigned once in " + licence.path("relocationDays").asText() + " days at most");
    }
}
