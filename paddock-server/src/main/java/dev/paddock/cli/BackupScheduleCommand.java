package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code paddock backup schedule ...}: backup schedules (add, list, delete, enable, disable) and running one now.
 */
@Command(name = "schedule", description = "Back VMs up on a schedule: add, list, delete, enable, disable, run now.",
        subcommands = {BackupScheduleCommand.Add.class, BackupScheduleCommand.ListSchedules.class,
                BackupScheduleCommand.Delete.class, BackupScheduleCommand.Run.class, BackupScheduleCommand.Enable.class,
                BackupScheduleCommand.Disable.class})
final class BackupScheduleCommand implements Runnable {

    private static final String SCHEDULES = "api/v1/backup-schedules";

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with backup schedules: add, list, delete, run, enable or"
                + " disable (see 'paddock backup schedule --help').");
    }

    private static String schedule(String name) {
        return SCHEDULES + "/" + ApiClient.encode(name);
    }

    /** A time as the API gives it, or a dash for none. */
    private static String time(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? "-" : node.asText();
    }

    @Command(name = "add", description = "Make a schedule that backs VMs (by name, every VM of a cluster or of an"
            + " affinity group) up into a repository, 'every 15m' or 'daily 01:30 Europe/Paris'.")
    static final class Add implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Option(names = "--repository", required = true, paramLabel = "REPO")
        private String repository;

        @Option(names = "--interval", required = true, paramLabel = "WHEN", description = "'every 15m' (s, m, h, d;"
                + " 15 s to 31 days) or 'daily HH:MM [ZONE]'.")
        private String interval;

        @Option(names = "--vm", paramLabel = "VM", description = "A VM to back up (repeatable).")
        private List<String> vms = new ArrayList<>();

        @Option(names = "--cluster", paramLabel = "CLUSTER", description = "Every VM of a cluster, those added later"
                + " too (repeatable).")
        private List<String> clusters = new ArrayList<>();

        @Option(names = "--group", paramLabel = "GROUP", description = "Every VM of an affinity group (repeatable).")
        private List<String> groups = new ArrayList<>();

        @Option(names = "--keep-last", paramLabel = "N")
        private Integer last;

        @Option(names = "--keep-daily", paramLabel = "N")
        private Integer daily;

        @Option(names = "--keep-weekly", paramLabel = "N")
        private Integer weekly;

        @Option(names = "--disabled", description = "Make it disabled: it runs only when asked ('run').")
        private boolean disabled;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("repository", repository);
            body.put("interval", interval);
            body.put("vms", vms);
            body.put("clusters", clusters);
            body.put("groups", groups);
            if (last != null) {
                body.put("keepLast", last);
            }
            if (daily != null) {
                body.put("keepDaily", daily);
            }
            if (weekly != null) {
                body.put("keepWeekly", weekly);
            }
            body.put("enabled", !disabled);
            JsonNode made = root.client().post(SCHEDULES, body);
            return root.done(made, "backup schedule " + name + " made: " + made.path("interval").asText() + " into "
                    + made.path("repository").asText() + ", " + made.path("covered").size() + " VMs covered now"
                    + (disabled ? " (disabled)" : ", next round " + time(made.path("nextRound"))));
        }
    }

    @Command(name = "list", description = "List the backup schedules; with a NAME, the VMs it covers and their last"
            + " runs.")
    static final class ListSchedules implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", arity = "0..1")
        private String name;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode answer = root.client().get(name == null ? SCHEDULES : schedule(name));
            if (root.json()) {
                root.printJson(answer);
                return 0;
            }
            if (name == null) {
                Table table = new Table("NAME", "INTERVAL", "REPOSITORY", "ENABLED", "NEXT ROUND", "VMS", "FAILED");
                for (JsonNode schedule : answer.path("items")) {
                    long failed = 0;
                    for (JsonNode run : schedule.path("covered")) {
                        failed += run.path("outcome").asText().equals("FAILED") ? 1 : 0;
                    }
                    table.row(schedule.path("name").asText(), schedule.path("interval").asText(),
                            schedule.path("repository").asText("-"), schedule.path("enabled").asBoolean() ? "yes"
                                    : "no", time(schedule.path("nextRound")),
                            String.valueOf(schedule.path("covered").size()), String.valueOf(failed));
                }
                table.print(root.out());
                return 0;
            }
            Table table = new Table("VM", "STATE", "LAST RUN", "OUTCOME", "LAST SUCCESS", "OPERATION", "MESSAGE");
            for (JsonNode run : answer.path("covered")) {
                table.row(run.path("vmName").asText(), run.path("state").asText().toLowerCase(),
                        time(run.path("lastRun")), run.path("outcome").isNull() ? "-"
                                : run.path("outcome").asText().toLowerCase() + (run.path("overdue").asBoolean()
                                ? " (overdue)" : ""), time(run.path("lastSuccess")), time(run.path("operation")),
                        run.path("message").asText(""));
            }
            table.print(root.out());
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a backup schedule; its restore points stay.")
    static final class Delete implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            root.client().delete(schedule(name));
            return root.done(dev.paddock.json.Json.mapper().createObjectNode().put("deleted", name),
                    "backup schedule " + name + " deleted (its restore points stay)");
        }
    }

    @Command(name = "run", description = "Back up every VM a schedule covers now; its rounds go on as they were.")
    static final class Run implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode answer = root.client().post(schedule(name) + "/run", Map.of());
            if (root.json()) {
                root.printJson(answer);
                return 0;
            }
            if (answer.path("items").isEmpty()) {
                root.out().println("backup schedule " + name + " covers no VM now: nothing to back up");
            }
            for (JsonNode run : answer.path("items")) {
                boolean submitted = run.path("outcome").asText().equals("RUNNING") && run.path("message").isNull();
                root.out().println(run.path("vmName").asText() + ": " + (submitted ? "backing up, operation "
                        + run.path("operation").asText() : run.path("outcome").asText().toLowerCase() + ": "
                        + run.path("message").asText("")));
            }
            root.out().flush();
            return 0;
        }
    }

    @Command(name = "enable", description = "Enable a backup schedule: its rounds run again.")
    static final class Enable implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Option(names = "--interval", paramLabel = "WHEN", description = "Change its interval too.")
        private String interval;

        @Override
        public Integer call() {
            return change(spec, name, true, interval);
        }
    }

    @Command(name = "disable", description = "Disable a backup schedule: no rounds until it is enabled ('run' still"
            + " works).")
    static final class Disable implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Override
        public Integer call() {
            return change(spec, name, false, null);
        }
    }

    private static int change(CommandLine.Model.CommandSpec spec, String name, boolean enabled, String interval) {
        PaddockCommand root = PaddockCommand.of(spec);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enabled", enabled);
        if (interval != null) {
            body.put("interval", interval);
        }
        JsonNode changed = root.client().patch(schedule(name), body);
        return root.done(changed, "backup schedule " + name + (enabled ? " enabled, " + changed.path("interval")
                .asText() + ", next round " + time(changed.path("nextRound")) : " disabled"));
    }
}
