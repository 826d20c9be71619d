package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.api.RequestLimits;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code paddock replication ...}: replications of a repository's restore points to another site's Paddock (add,
 * list, delete), a round run now, and each VM's recovery point at the target.
 */
@Command(name = "replication", description = "Ship restore points to another site's Paddock: add, list, delete,"
        + " run a round now, and the status of each VM.", subcommands = {ReplicationCommand.Add.class,
        ReplicationCommand.ListAll.class, ReplicationCommand.Delete.class, ReplicationCommand.Run.class,
        ReplicationCommand.Status.class})
final class ReplicationCommand implements Runnable {

    private static final String REPLICATIONS = "api/v1/replications";
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(|s|m|h|d)");

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with replications: add, list, delete, run or status"
                + " (see 'paddock replication --help').");
    }

    private static String replication(String name) {
        return REPLICATIONS + "/" + ApiClient.encode(name);
    }

    /** Seconds from {@code 90}, {@code 15s}, {@code 5m}, {@code 2h} or {@code 1d}. */
    static long seconds(String text, String option) {
        Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new CliException(ExitCode.USAGE, option + " takes a duration such as 90, 15s, 5m, 2h or 1d, not '"
                    + text + "'.");
        }
        long value = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "m" -> value * 60;
            case "h" -> value * 3600;
            case "d" -> value * 86_400;
            default -> value;
        };
    }

    @Command(name = "add", description = "Replicate a local repository to a repository of another site's Paddock.")
    static final class Add implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Option(names = "--source", required = true, paramLabel = "REPO", description = "The local repository.")
        private String source;

        @Option(names = "--url", required = true, paramLabel = "URL", description = "The other Paddock's base URL.")
        private String url;

        @Option(names = "--token-file", required = true, paramLabel = "FILE", description = "A file holding an API"
                + " token of the other Paddock (backup.run and backup.read there).")
        private Path tokenFile;

        @Option(names = "--repository", required = true, paramLabel = "REPO", description = "The repository there;"
                + " it shares the source's key, or both are unencrypted.")
        private String repository;

        @Option(names = "--ca", paramLabel = "FILE", description = "PEM certificates to trust for its HTTPS.")
        private Path ca;

        @Option(names = "--bandwidth", paramLabel = "SIZE", description = "Bytes a second the uploads use together,"
                + " for example 4MiB; no limit unless given.")
        private String bandwidth;

        @Option(names = "--vm", paramLabel = "VM", description = "A VM covered (repeat it); every VM unless given.")
        private List<String> vms = List.of();

        @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1h", description = "Time between"
                + " rounds, 15s at least (default: ${DEFAULT-VALUE}).")
        private String interval;

        @Option(names = "--rpo", paramLabel = "DURATION", description = "The recovery point target; twice the"
                + " interval unless given.")
        private String rpo;

        @Option(names = "--streams", paramLabel = "N", description = "Parallel uploads, 2 to 4 (default 3).")
        private Integer streams;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("source", source);
            body.put("url", url);
            body.put("repository", repository);
            body.put("intervalSeconds", seconds(interval, "--interval"));
            if (rpo != null) {
                body.put("rpoSeconds", seconds(rpo, "--rpo"));
            }
            if (bandwidth != null) {
                try {
                    body.put("bandwidth", RequestLimits.size(bandwidth));
                } catch (IllegalArgumentException e) {
                    throw new CliException(ExitCode.USAGE, "--bandwidth: " + e.getMessage());
                }
            }
            if (!vms.isEmpty()) {
                body.put("vms", vms);
            }
            if (streams != null) {
                body.put("streams", streams);
            }
            body.put("token", TextFile.read(tokenFile).strip());
            if (ca != null) {
                body.put("caCertificate", TextFile.read(ca));
            }
            JsonNode added = root.client().post(REPLICATIONS, body);
            return root.done(added, "replication " + name + " ships repository " + added.path("source").asText()
                    + " to " + added.path("repository").asText() + " at " + added.path("url").asText() + " every "
                    + added.path("intervalSeconds").asLong() + " s (RPO target " + added.path("rpoSeconds").asLong()
                    + " s)");
        }
    }

    @Command(name = "list", description = "List the replications.")
    static final class ListAll implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode replications = root.client().get(REPLICATIONS);
            if (root.json()) {
                root.printJson(replications);
                return 0;
            }
            Table table = new Table("NAME", "SOURCE", "TARGET", "REPOSITORY", "EVERY", "RPO TARGET", "LAST ROUND");
            for (JsonNode r : replications.path("items")) {
                JsonNode last = r.path("lastRound");
                table.row(r.path("name").asText(), r.path("source").asText(), r.path("url").asText(),
                        r.path("repository").asText(), r.path("intervalSeconds").asLong() + " s",
                        r.path("rpoSeconds").asLong() + " s", last.isObject()
                                ? (last.path("ok").asBoolean() ? "ok " : "failed ") + last.path("started").asText()
                                : "none yet");
            }
            table.print(root.out());
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a replication; the points at the other site stay.")
    static final class Delete implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            root.client().delete(replication(name));
            return root.done(dev.paddock.json.Json.mapper().createObjectNode().put("deleted", name),
                    "replication " + name + " deleted (the points at the other site stay)");
        }
    }

    @Command(name = "run", description = "Run a round now and say what it shipped.")
    static final class Run implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode round = root.client().post(replication(name) + "/run", Map.of());
            if (!round.path("ok").asBoolean()) {
                if (root.json()) {
                    root.printJson(round);
                }
                throw new CliException(ExitCode.ERROR, "Replication " + name + "'s round "
                        + round.path("summary").asText() + ".");
            }
            return root.done(round, "replication " + name + ": " + round.path("summary").asText());
        }
    }

    @Command(name = "status", description = "Show a replication's last round and each VM's recovery point at the"
            + " target.")
    static final class Status implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode status = root.client().get(replication(name));
            if (root.json()) {
                root.printJson(status);
                return 0;
            }
            JsonNode last = status.path("lastRound");
            root.out().println("replication " + status.path("name").asText() + " to " + status.path("repository")
                    .asText() + " at " + status.path("url").asText() + "; last round: " + (last.isObject()
                    ? last.path("started").asText() + ", " + last.path("summary").asText() : "none yet"));
            Table table = new Table("VM", "POINT", "TAKEN", "RPO", "WITHIN TARGET", "SENT", "TOOK");
            for (JsonNode vm : status.path("vmStatus")) {
                table.row(vm.path("vm").asText(), vm.path("point").asText(), vm.path("taken").asText(),
                        vm.path("rpoSeconds").asLong() + " s", vm.path("withinTarget").asBoolean() ? "yes" : "NO",
                        Format.bytes(vm.path("bytesSent").asLong()), vm.path("tookMillis").asLong() + " ms");
            }
            table.print(root.out());
            return 0;
        }
    }
}
