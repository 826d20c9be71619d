package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code paddock backup ...}: backup repositories (add, list, remove), backing a VM up, its restore points (list,
 * forget), verify and prune, restoring a point as a new VM, and schedules ({@link BackupScheduleCommand}).
 */
@Command(name = "backup", description = "Back VMs up into repositories, list, verify and prune restore points, restore"
        + " them.", subcommands = {BackupCommand.Repositories.class, BackupCommand.AddRepository.class,
        BackupCommand.RemoveRepository.class, BackupCommand.Run.class, BackupCommand.Points.class,
        BackupCommand.Forget.class, BackupCommand.Verify.class, BackupCommand.Prune.class,
        BackupCommand.Restore.class, BackupCommand.Files.class, BackupCommand.Extract.class,
        BackupScheduleCommand.class})
final class BackupCommand implements Runnable {

    private static final String REPOSITORIES = "api/v1/backup-repositories";

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with backups: repos, repo-add, repo-remove, run, list,"
                + " forget, verify, prune, restore, files, extract or schedule (see 'paddock backup --help').");
    }

    private static String repository(String name) {
        return REPOSITORIES + "/" + ApiClient.encode(name);
    }

    @Command(name = "repos", description = "List the backup repositories.")
    static final class Repositories implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode repositories = root.client().get(REPOSITORIES);
            if (root.json()) {
                root.printJson(repositories);
                return 0;
            }
            Table table = new Table("NAME", "PATH", "ENCRYPTED", "ID");
            for (JsonNode repository : repositories.path("items")) {
                table.row(repository.path("name").asText(), repository.path("path").asText(),
                        repository.path("encrypted").asBoolean() ? "yes" : "no", repository.path("id").asText());
            }
            table.print(root.out());
            return 0;
        }
    }

    @Command(name = "repo-add", description = "Add the backup repository at a directory of the server, or make one"
            + " there (--encrypt: with a new key, shown once).")
    static final class AddRepository implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Option(names = "--path", required = true, paramLabel = "DIR", description = "The repository's directory on"
                + " the server, under its backup roots.")
        private String path;

        @Option(names = "--encrypt", description = "Make a new encrypted repository; its key is shown once.")
        private boolean encrypt;

        @Option(names = "--key-file", paramLabel = "FILE", description = "The key (base64, as --encrypt showed it) of"
                + " an existing encrypted repository.")
        private Path keyFile;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            if (encrypt && keyFile != null) {
                throw new CliException(ExitCode.USAGE, "Give either --encrypt (a new key) or --key-file (the key of"
                        + " an existing repository), not both.");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("path", path);
            if (encrypt) {
                body.put("encrypt", true);
            }
            if (keyFile != null) {
                body.put("key", TextFile.read(keyFile).strip());
            }
            JsonNode added = root.client().post(REPOSITORIES, body);
            String sentence = "backup repository " + name + (added.path("created").asBoolean() ? " made at "
                    : " opened at ") + added.path("path").asText() + (added.path("encrypted").asBoolean()
                    ? " (encrypted)" : "");
            if (added.has("key")) {
                sentence += "\nits key, shown this once (keep it away from the server): " + added.path("key").asText();
            }
            return root.done(added, sentence);
        }
    }

    @Command(name = "repo-remove", description = "Forget a backup repository; its directory stays as it is.")
    static final class RemoveRepository implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            root.client().delete(repository(name));
            return root.done(dev.paddock.json.Json.mapper().createObjectNode().put("removed", name),
                    "backup repository " + name + " forgotten (its directory is left as it is)");
        }
    }

    @Command(name = "run", description = "Back a running VM up into a repository: a full backup first, incremental"
            + " ones after.")
    static final class Run implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "VM")
        private String vm;

        @Option(names = "--repository", required = true, paramLabel = "REPO")
        private String repositoryName;

        @Option(names = "--wait", description = "Follow the operation until it ends.")
        private boolean wait;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode operation = root.client().post("api/v1/vms/" + ApiClient.encode(vm) + "/backup",
                    Map.of("repository", repositoryName));
            return VmCommand.accepted(spec, operation, wait, "back up " + vm + " into " + repositoryName);
        }
    }

    @Command(name = "list", description = "List a repository's restore points, oldest first.")
    static final class Points implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "REPO")
        private String repositoryName;

        @Option(names = "--vm", paramLabel = "VM", description = "Only this VM's points.")
        private String vm;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode points = root.client().get(repository(repositoryName) + "/points"
                    + (vm == null ? "" : "?vm=" + ApiClient.encode(vm)));
            if (root.json()) {
                root.printJson(points);
                return 0;
            }
            Table table = new Table("POINT", "VM", "TAKEN", "KIND", "DISKS");
            for (JsonNode point : points.path("items")) {
                StringBuilder disks = new StringBuilder();
                for (JsonNode disk : point.path("disks")) {
                    disks.append(disks.isEmpty() ? "" : " ").append(disk.path("name").asText()).append('=')
                            .append(Format.bytes(disk.path("size").asLong()));
                }
                table.row(point.path("id").asText(), point.path("vmName").asText(point.path("vm").asText()),
                        point.path("taken").asText(), point.path("parent").isNull() ? "full" : "incremental",
                        disks.toString());
            }
            table.print(root.out());
            return 0;
        }
    }

    @Command(name = "forget", description = "Forget a restore point; its chunks go at the next prune.")
    static final class Forget implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "REPO")
        private String repositoryName;

        @Parameters(index = "1", paramLabel = "POINT")
        private String point;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            root.client().delete(repository(repositoryName) + "/points/" + ApiClient.encode(point));
            return root.done(dev.paddock.json.Json.mapper().createObjectNode().put("forgotten", point),
                    "restore point " + point + " forgotten");
        }
    }

    @Command(name = "verify", description = "Read every chunk of a repository and check it.")
    static final class Verify implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "REPO")
        private String repositoryName;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode report = root.client().post(repository(repositoryName) + "/verify", Map.of());
            if (root.json()) {
                root.printJson(report);
            } else {
                root.out().println("repository " + repositoryName + ": " + report.path("points").asInt()
                        + " restore points, " + report.path("chunksRead").asInt() + " chunks read ("
                        + Format.bytes(report.path("bytesRead").asLong()) + "), "
                        + (report.path("clean").asBoolean() ? "all sound" : report.path("problems").size()
                        + " damaged"));
                for (JsonNode problem : report.path("problems")) {
                    root.out().println("  " + problem.path("kind").asText() + " chunk " + problem.path("chunk")
                            .asText() + ": " + problem.path("why").asText() + " (points " + problem.path("points")
                            + ")");
                }
                root.out().flush();
            }
            if (!report.path("clean").asBoolean()) {
                throw new CliException(ExitCode.CONFLICT, "Repository " + repositoryName + " has "
                        + report.path("problems").size() + " damaged chunks; the restore points named above do not"
                        + " restore whole.");
            }
            return 0;
        }
    }

    @Command(name = "prune", description = "Apply retention (per VM) and delete the chunks no restore point needs.")
    static final class Prune implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "REPO")
        private String repositoryName;

        @Option(names = "--keep-last", paramLabel = "N")
        private Integer last;

        @Option(names = "--keep-daily", paramLabel = "N")
        private Integer daily;

        @Option(names = "--keep-weekly", paramLabel = "N")
        private Integer weekly;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            Map<String, Object> body = new LinkedHashMap<>();
            if (last != null) {
                body.put("keepLast", last);
            }
            if (daily != null) {
                body.put("keepDaily", daily);
            }
            if (weekly != null) {
                body.put("keepWeekly", weekly);
            }
            JsonNode pruned = root.client().post(repository(repositoryName) + "/prune", body);
            JsonNode report = pruned.path("report");
            return root.done(pruned, "repository " + repositoryName + ": " + pruned.path("forgotten").size()
                    + " restore points forgotten, " + report.path("deleted").asInt() + " chunks deleted ("
                    + Format.bytes(report.path("bytesFreed").asLong()) + " freed)");
        }
    }

    @Command(name = "restore", description = "Restore a point as a new VM (--name, --datastore), or in place over"
            + " the stopped VM it was taken of (--in-place): its disks, or those --disk names, into new volumes.")
    static final class Restore implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "REPO")
        private String repositoryName;

        @Parameters(index = "1", paramLabel = "POINT")
        private String point;

        @Option(names = "--name", paramLabel = "NAME", description = "The new VM's name.")
        private String name;

        @Option(names = "--datastore", paramLabel = "DATASTORE", description = "Where the disks go; in place, each"
                + " disk's own datastore when absent.")
        private String datastore;

        @Option(names = "--host", paramLabel = "HOST", description = "Restore on this host; the placement chooses"
                + " otherwise.")
        private String host;

        @Option(names = "--in-place", description = "Restore over the VM the point was taken of (it must be"
                + " stopped); the replaced volumes are deleted once it has the new ones.")
        private boolean inPlace;

        @Option(names = "--disk", paramLabel = "DISK", description = "Restore only this disk (vda, vdb...);"
                + " repeat for more.")
        private List<String> disks;

        @Option(names = "--start", description = "Start the restored VM.")
        private boolean start;

        @Option(names = "--wait", description = "Follow the operation until it ends.")
        private boolean wait;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            if (!inPlace && (name == null || datastore == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "A restore as a new VM needs --name and"
                        + " --datastore; --in-place restores over the VM the point was taken of.");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            if (name != null) {
                body.put("name", name);
            }
            if (datastore != null) {
                body.put("datastore", datastore);
            }
            if (host != null) {
                body.put("host", host);
            }
            if (inPlace) {
                body.put("inPlace", true);
            }
            if (disks != null) {
                body.put("disks", disks);
            }
            body.put("start", start);
            JsonNode operation = root.client().post(repository(repositoryName) + "/points/" + ApiClient.encode(point)
                    + "/restore", body);
            return VmCommand.accepted(spec, operation, wait, "restore " + point
                    + (inPlace ? " in place" : " as " + name));
        }
    }

    /** The path of a point's disk in the API, with the partition and path asked for. */
    private static String diskPath(String repositoryName, String point, String disk, String what, Integer partition,
            String path) {
        return repository(repositoryName) + "/points/" + ApiClient.encode(point) + "/disks/" + ApiClient.encode(disk)
                + "/" + what + "?path=" + ApiClient.encode(path) + (partition == null ? "" : "&partition="
                + partition);
    }

    @Command(name = "files", description = "List the partitions of a restore point's disk, or the files of a"
            + " directory in one (read in place: nothing is restored).")
    static final class Files implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "REPO")
        private String repositoryName;

        @Parameters(index = "1", paramLabel = "POINT")
        private String point;

        @Parameters(index = "2", paramLabel = "PATH", arity = "0..1", description = "A directory; without it, the"
                + " disk's partitions.")
        private String path;

        @Option(names = "--disk", required = true, paramLabel = "DISK", description = "The disk (vda, vdb...).")
        private String disk;

        @Option(names = "--partition", paramLabel = "N", description = "The partition (see the list without PATH);"
                + " needed when the disk has several with a file system.")
        private Integer partition;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            if (path == null) {
                JsonNode partitions = root.client().get(repository(repositoryName) + "/points/"
                        + ApiClient.encode(point) + "/disks/" + ApiClient.encode(disk) + "/partitions");
                if (root.json()) {
                    root.printJson(partitions);
                    return 0;
                }
                Table table = new Table("PARTITION", "SIZE", "TYPE", "FILE SYSTEM", "NOTE");
                for (JsonNode one : partitions.path("items")) {
                    table.row(one.path("number").asText(), Format.bytes(one.path("length").asLong()),
                            one.path("type").asText(), one.path("fileSystem").asText(),
                            one.path("refusal").asText(""));
                }
                table.print(root.out());
                return 0;
            }
            JsonNode listed = root.client().get(diskPath(repositoryName, point, disk, "files", partition, path));
            if (root.json()) {
                root.printJson(listed);
                return 0;
            }
            Table table = new Table("NAME", "TYPE", "SIZE", "MODIFIED");
            for (JsonNode entry : listed.path("items")) {
                String name = entry.path("name").asText() + (entry.path("type").asText().equals("SYMLINK")
                        ? " -> " + entry.path("target").asText("") : "");
                table.row(name, entry.path("type").asText().toLowerCase(java.util.Locale.ROOT),
                        entry.path("type").asText().equals("FILE") ? Format.bytes(entry.path("size").asLong()) : "",
                        entry.path("modified").asText(""));
            }
            table.print(root.out());
            return 0;
        }
    }

    @Command(name = "extract", description = "Save one file of a restore point's disk (read in place).")
    static final class Extract implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "REPO")
        private String repositoryName;

        @Parameters(index = "1", paramLabel = "POINT")
        private String point;

        @Parameters(index = "2", paramLabel = "PATH")
        private String path;

        @Option(names = "--disk", required = true, paramLabel = "DISK")
        private String disk;

        @Option(names = "--partition", paramLabel = "N")
        private Integer partition;

        @Option(names = "--to", required = true, paramLabel = "FILE", description = "Where to save it.")
        private Path to;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            long size = root.client().download(diskPath(repositoryName, point, disk, "content", partition, path), to);
            return root.done(dev.paddock.json.Json.mapper().createObjectNode().put("path", path)
                    .put("savedTo", to.toString()).put("bytes", size), path + " of restore point " + point
                    + " saved to " + to + " (" + Format.bytes(size) + ")");
        }
    }
}
