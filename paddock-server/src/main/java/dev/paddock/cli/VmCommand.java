package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.api.Requests;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code paddock vm create|start|stop|migrate|delete|adopt|quarantine|set}: each submits an operation, and may wait for
 * it.
 */
@Command(name = "vm", description = "Create, start, stop or delete a VM; adopt or quarantine an unregistered one.",
        subcommands = {VmCommand.Create.class, VmCommand.Start.class, VmCommand.Stop.class, VmCommand.Migrate.class,
                VmCommand.Delete.class, VmCommand.Adopt.class, VmCommand.Quarantine.class, VmCommand.Set.class,
                VmCommand.Mirror.class, VmConsoleCommand.class, VmVncCommand.class, UsageCommand.OfVm.class})
final class VmCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with a VM: create, start, stop, delete, adopt or"
                + " quarantine (see 'paddock vm --help').");
    }

    /** Prints the accepted operation, then follows it when asked to wait. */
    static int accepted(CommandLine.Model.CommandSpec spec, JsonNode operation, boolean wait, String what) {
        PaddockCommand root = PaddockCommand.of(spec);
        String id = operation.path("id").asText();
        if (!wait) {
            if (root.json()) {
                root.printJson(operation);
            } else {
                root.out().println(what + ": operation " + id + " accepted; follow it with 'paddock ops watch " + id
                        + "'.");
                root.out().flush();
            }
            return 0;
        }
        OperationWatch watch = new OperationWatch(root.client(), Duration.ofMillis(200));
        JsonNode last = watch.follow(id, root.json() ? null : root.out());
        if (root.json()) {
            root.printJson(last);
        }
        return OperationWatch.outcome(last, root.err());
    }

    /**
     * Prints a dry run's answer: the host the VM would go to, then every host ruled out and why. Exits 0 when the
     * request would be accepted, with CONFLICT and the refusal's sentence when it would not.
     */
    static int dryRun(CommandLine.Model.CommandSpec spec, JsonNode answer) {
        PaddockCommand root = PaddockCommand.of(spec);
        boolean feasible = answer.path("feasible").asBoolean();
        if (root.json()) {
            root.printJson(answer);
        } else {
            String what = answer.path("action").asText() + " " + answer.path("vm").asText();
            JsonNode host = answer.path("host");
            if (host.isObject()) {
                root.out().println(what + ": would go to " + host.path("name").asText() + " (score "
                        + host.path("score").asInt() + ")" + (feasible ? "" : ", but would be refused"));
            } else {
                root.out().println(what + ": no host would take it");
            }
            if (!answer.path("ruledOut").isEmpty()) {
                Table table = new Table("RULED OUT", "FILTER", "WHY");
                answer.path("ruledOut").forEach(r -> table.row(r.path("name").asText(), r.path("filter").asText(),
                        r.path("reason").asText()));
                table.print(root.out());
            }
            root.out().flush();
        }
        if (feasible) {
            return ExitCode.OK.code();
        }
        root.err().println("paddock: " + answer.path("sentence").asText());
        root.err().flush();
        return ExitCode.CONFLICT.code();
    }

    @Command(name = "create", description = "Create a VM; Paddock picks a host with room unless --host names one.")
    static final class Create implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Unique in its cluster.")
        private String name;

        @Option(names = "--cpu", paramLabel = "N", description = "vCPUs (default: the template's).")
        private Integer cpus;

        @Option(names = "--memory", paramLabel = "SIZE", converter = MemorySize.class,
                description = "Memory: MiB (2048) or with a unit (2G, 512M) (default: the template's).")
        private Long memoryMib;

        @Option(names = "--max-cpu", paramLabel = "N", description = "Let its vCPUs grow to N while it runs"
                + " (hot-plug); without it, they change only when it is stopped.")
        private Integer maxCpus;

        @Option(names = "--max-memory", paramLabel = "SIZE", converter = MemorySize.class, description = "Let its"
                + " memory grow to SIZE while it runs (memory modules plugged in); without it, memory changes only"
                + " when it is stopped.")
        private Long maxMemoryMib;

        @Option(names = "--cpu-millicores", paramLabel = "M", description = "Size the CPU in thousandths of a core"
                + " instead of whole vCPUs (placement reserves M; the guest gets M rounded up to whole vCPUs).")
        private Long millicores;

        @Option(names = "--template", paramLabel = "NAME-or-ID", description = "Clone the template's image as the"
                + " first disk and take its hardware.")
        private String template;

        @Option(names = "--full-clone", description = "Copy images whole instead of linking qcow2 layers over them.")
        private boolean fullClone;

        @Option(names = "--disk-from", paramLabel = "IMAGE[:GIB]", description = "Add a disk cloned from IMAGE;"
                + " repeat for more.")
        private List<String> disksFrom = List.of();

        @Option(names = "--empty-disk", paramLabel = "DATASTORE:GIB", description = "Add an empty disk of GIB on"
                + " DATASTORE; repeat for more.")
        private List<String> emptyDisks = List.of();

        @Option(names = "--volume", paramLabel = "DATASTORE:VOLUME", description = "Add an existing volume (an"
                + " iSCSI LUN, say) as a disk; repeat for more.")
        private List<String> volumes = List.of();

        @Option(names = "--firmware", paramLabel = "bios|uefi")
        private String firmware;

        @Option(names = "--boot", split = ",", paramLabel = "DEVICE", description = "Boot order: disk, cdrom,"
                + " network, comma-separated.")
        private List<String> boot;

        @Option(names = "--hostname", paramLabel = "NAME", description = "cloud-init: the guest's hostname (default:"
                + " the VM's name when another cloud-init option is given).")
        private String hostname;

        @Option(names = "--ssh-key", paramLabel = "KEY", description = "cloud-init: an SSH public key for --user;"
                + " repeat for more.")
        private List<String> sshKeys = List.of();

        @Option(names = "--user", paramLabel = "NAME", defaultValue = "root", description = "cloud-init: the account"
                + " the keys are for (default root).")
        private String user;

        @Option(names = "--ip", paramLabel = "ADDR/PREFIX", description = "cloud-init: a static address for the first"
                + " NIC.")
        private String address;

        @Option(names = "--gateway", paramLabel = "ADDR", description = "cloud-init: the default gateway.")
        private String gateway;

        @Option(names = "--dhcp", description = "cloud-init: the first NIC by DHCP.")
        private boolean dhcp;

        @Option(names = "--disk", paramLabel = "GIB", description = "Disk demand in GiB.")
        private Long diskGib;

        @Option(names = "--cluster", paramLabel = "ID", description = "The cluster (needed when there are several).")
        private String cluster;

        @Option(names = "--host", paramLabel = "ID", description = "Put it on this host.")
        private String host;

        @Option(names = "--no-start", description = "Define it without starting it.")
        private boolean noStart;

        @Option(names = "--watchdog", paramLabel = "ACTION", description = "Give it a guest watchdog that, when the"
                + " guest's OS hangs, does ACTION: reset, poweroff, pause or none.")
        private String watchdogAction;

        @Option(names = "--watchdog-model", paramLabel = "MODEL", description = "The watchdog device: i6300esb"
                + " (default) or itco; implies --watchdog reset when that is not given.")
        private String watchdogModel;

        @Option(names = "--licence", paramLabel = "NAME", description = "A licence it carries (placement honours the"
                + " licence's rules); repeat for more.")
        private List<String> licences = List.of();

        @Option(names = "--nic", paramLabel = "NETWORK[,mac=MAC][,in=KBPS][,out=KBPS]", description = "Give it a NIC"
                + " on NETWORK (a name or an id), with MAC or one Paddock makes, its traffic into and out of the VM"
                + " limited to KBPS kbit/s when given; repeat for more NICs.")
        private List<String> nics = List.of();

        @Option(names = "--wait", description = "Follow the operation until it ends.")
        private boolean wait;

        @Option(names = "--dry-run", description = "Say where it would go and why other hosts were ruled out; create"
                + " nothing.")
        private boolean dryRun;

        @Override
        public Integer call() {
            List<Requests.NewNic> nicRequests = nics.stream().map(Create::nic).toList();
            Requests.NewWatchdog watchdog = watchdogAction == null && watchdogModel == null ? null
                    : new Requests.NewWatchdog(watchdogModel, watchdogAction);
            List<Requests.NewDisk> disks = new java.util.ArrayList<>();
            for (String from : disksFrom) {
                String[] parts = from.split(":", 2);
                disks.add(new Requests.NewDisk(parts[0], null, null, parts.length > 1 ? gib(parts[1], "--disk-from")
                        : null, null));
            }
            for (String empty : emptyDisks) {
                String[] parts = empty.split(":", 2);
                if (parts.length != 2) {
                    throw new CliException(ExitCode.USAGE, "--empty-disk takes DATASTORE:GIB, not '" + empty + "'.");
                }
                disks.add(new Requests.NewDisk(null, null, parts[0], gib(parts[1], "--empty-disk"), null));
            }
            for (String volume : volumes) {
                String[] parts = volume.split(":", 2);
                if (parts.length != 2 || parts[1].isEmpty()) {
                    throw new CliException(ExitCode.USAGE, "--volume takes DATASTORE:VOLUME, not '" + volume + "'.");
                }
                disks.add(new Requests.NewDisk(null, null, parts[0], null, parts[1]));
            }
            Requests.NewCloudInit cloudInit = hostname == null && sshKeys.isEmpty() && address == null && !dhcp ? null
                    : new Requests.NewCloudInit(hostname, sshKeys.isEmpty() ? null
                            : List.of(new Requests.NewUser(user, sshKeys, null)), address == null && !dhcp ? null
                            : new Requests.NewGuestNetwork(dhcp ? Boolean.TRUE : null, address, gateway, null));
            Requests.NewVm request = new Requests.NewVm(name, cluster, host, cpus, memoryMib, diskGib, null, null, null,
                    !noStart, watchdog, nicRequests.isEmpty() ? null : nicRequests, template,
                    disks.isEmpty() ? null : disks, fullClone ? "full" : null, firmware, boot, cloudInit, millicores,
                    maxCpus, maxMemoryMib, licences.isEmpty() ? null : licences);
            if (dryRun) {
                return dryRun(spec, PaddockCommand.of(spec).client().post("api/v1/vms?dryRun=true", request));
            }
            JsonNode operation = PaddockCommand.of(spec).client().post("api/v1/vms", request);
            return accepted(spec, operation, wait, "create " + name);
        }

        static long gib(String text, String option) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new CliException(ExitCode.USAGE, option + " takes a size in GiB, not '" + text + "'.");
            }
        }

        /**
         * "backend", then optionally ",mac=52:54:00:12:34:56", ",in=KBPS", ",out=KBPS", ",ip=ADDRESS" and
         * ",trusted=yes", each once.
         */
        static Requests.NewNic nic(String text) {
            String[] parts = text.split(",", -1);
            Map<String, String> settings = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int equals = parts[i].indexOf('=');
                String key = equals < 0 ? parts[i] : parts[i].substring(0, equals);
                if (equals < 0 || !List.of("mac", "in", "out", "ip", "trusted").contains(key)
                        || settings.put(key, parts[i].substring(equals + 1)) != null) {
                    throw new CliException(ExitCode.USAGE, "--nic takes NETWORK[,mac=MAC][,in=KBPS][,out=KBPS][,ip=ADDRESS][,trusted=yes],"
                            + " each setting once, not '" + text + "'.");
                }
            }
            if (parts[0].isBlank()) {
                throw new CliException(ExitCode.USAGE, "--nic needs a network name or id, not '" + text + "'.");
            }
            String trusted = settings.get("trusted");
            if (trusted != null && !List.of("yes", "no").contains(trusted)) {
                throw new CliException(ExitCode.USAGE, "--nic takes trusted=yes or trusted=no, not '" + text + "'.");
            }
            return new Requests.NewNic(parts[0], settings.get("mac"), kbps(settings.get("in"), text),
                    kbps(settings.get("out"), text), settings.containsKey("ip") ? List.of(settings.get("ip")) : null,
                    trusted == null ? null : trusted.equals("yes"));
        }

        private static Long kbps(String value, String text) {
            if (value == null) {
                return null;
            }
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new CliException(ExitCode.USAGE, "--nic takes a limit in kbit/s as a whole number, not '"
                        + value + "' in '" + text + "'.");
            }
        }
    }

    /**
     * A verb on one existing VM, named by name or id: finds it, sends the request {@link #send} builds, prints
     * the accepted operation and follows it with {@code --wait}.
     */
    abstract static class OnVm implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME-or-ID")
        private String vm;

        @Option(names = "--wait", description = "Follow the operation until it ends.")
        private boolean wait;

        /** The verb, as shown to the user ("start") and as the last segment of a POST. */
        abstract String verb();

        /** Sends the request for the VM of that id; by default {@code POST /vms/{id}/VERB}. */
        JsonNode send(ApiClient client, String id) {
            return client.post("api/v1/vms/" + id + "/" + verb(), null);
        }

        /** Refuses a command line whose options do not go together, before anything is asked of the server. */
        void check() {
        }

        /** Asked to answer without acting: the verb's dry run, when it has one. */
        boolean asksDryRun() {
            return false;
        }

        @Override
        public final Integer call() {
            check();
            ApiClient client = PaddockCommand.of(spec).client();
            JsonNode found = VmsCommand.resolve(client, vm);
            if (asksDryRun()) {
                return dryRun(spec, send(client, found.path("id").asText()));
            }
            JsonNode operation = send(client, found.path("id").asText());
            return accepted(spec, operation, wait, verb() + " " + found.path("name").asText());
        }
    }

    @Command(name = "start", description = "Start a VM.")
    static final class Start extends OnVm {
        @Override
        String verb() {
            return "start";
        }
    }

    @Command(name = "stop", description = "Stop a VM: ask the guest to shut down, power off after the timeout.")
    static final class Stop extends OnVm {

        @Option(names = "--force", description = "Power off at once.")
        private boolean force;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long the guest gets (default 60).")
        private Integer timeout;

        @Override
        String verb() {
            return "stop";
        }

        @Override
        JsonNode send(ApiClient client, String id) {
            String query = "?force=" + force + (timeout == null ? "" : "&timeoutSeconds=" + timeout);
            return client.post("api/v1/vms/" + id + "/stop" + query, null);
        }
    }

    @Command(name = "migrate", description = "Move a running VM to another host, live; Paddock picks the host unless"
            + " --to names one.")
    static final class Migrate extends OnVm {

        @Option(names = {"--to", "--host"}, paramLabel = "HOST", description = "The host to move it to (id or name).")
        private String host;

        @Option(names = "--dry-run", description = "Say where it would go and why other hosts were ruled out; move"
                + " nothing.")
        private boolean dryRun;

        @Option(names = "--bandwidth", paramLabel = "MIBPS", description = "Cap the migration's bandwidth, in MiB/s.")
        private Long bandwidthMibps;

        @Override
        String verb() {
            return "migrate";
        }

        @Override
        boolean asksDryRun() {
            return dryRun;
        }

        @Override
        JsonNode send(ApiClient client, String id) {
            return client.post("api/v1/vms/" + id + "/migrate" + (dryRun ? "?dryRun=true" : ""),
                    host == null && bandwidthMibps == null ? null : new Requests.MigrateVm(host, bandwidthMibps));
        }
    }

    @Command(name = "delete", description = "Delete a VM: power off, undefine, forget; its disks stay unless"
            + " --with-disks.")
    static final class Delete extends OnVm {

        @Option(names = "--force", description = "Delete it even while it runs.")
        private boolean force;

        @Option(names = "--with-disks", description = "Delete its disks' volumes too (a linked clone's layer, not its"
                + " image; the cloud-init seed); an iSCSI LUN cannot be deleted and is kept.")
        private boolean withDisks;

        @Override
        String verb() {
            return "delete";
        }

        @Override
        JsonNode send(ApiClient client, String id) {
            return client.delete("api/v1/vms/" + id + "?force=" + force + "&disks=" + (withDisks ? "delete" : "keep"));
        }
    }

    @Command(name = "adopt", description = "Take an unregistered VM (found on a host, not made by Paddock) as managed.")
    static final class Adopt extends OnVm {
        @Override
        String verb() {
            return "adopt";
        }
    }

    @Command(name = "quarantine", description = "Pause an unregistered VM and take its NIC links down.")
    static final class Quarantine extends OnVm {
        @Override
        String verb() {
            return "quarantine";
        }
    }
    @Command(name = "mirror", description = "Copy a running VM's NIC traffic out of another port of its switch (an"
            + " intrusion detection system's), or stop with --off.")
    static final class Mirror extends OnVm {

        @Option(names = "--nic", paramLabel = "MAC", required = true, description = "The NIC, by its MAC.")
        private String mac;

        @Option(names = "--to", paramLabel = "PORT", description = "The switch port that receives the copies.")
        private String port;

        @Option(names = "--direction", paramLabel = "in|out|both", description = "What the VM receives, sends, or"
                + " both (the default).")
        private String direction;

        @Option(names = "--off", description = "Stop mirroring the NIC.")
        private boolean off;

        @Override
        String verb() {
            return off ? "unmirror" : "mirror";
        }

        @Override
        void check() {
            if (off && (port != null || direction != null)) {
                throw new CliException(ExitCode.USAGE, "--off takes neither --to nor --direction.");
            }
            if (!off && port == null) {
                throw new CliException(ExitCode.USAGE, "Say where the copies go with --to PORT, or stop with --off.");
            }
        }

        @Override
        JsonNode send(ApiClient client, String id) {
            String path = "api/v1/vms/" + id + "/nics/" + ApiClient.encode(mac) + "/mirror";
            return off ? client.delete(path) : client.put(path, new Requests.NewMirror(port, direction));
        }
    }

    @Command(name = "set", description = "Change a VM's settings: name, CPU, memory, disks and NICs, in one"
            + " operation. A running VM takes NICs, disks added, grown or removed (not its boot disk), and CPU and"
            + " memory up to its maxima; the rest waits until it is stopped.")
    static final class Set extends OnVm {

        @Option(names = "--name", paramLabel = "NAME", description = "Rename it (unique in its cluster).")
        private String name;

        @Option(names = "--cpu", paramLabel = "N", description = "vCPUs.")
        private Integer cpus;

        @Option(names = "--memory", paramLabel = "SIZE", converter = MemorySize.class,
                description = "Memory: MiB (2048) or with a unit (2G, 512M).")
        private Long memoryMib;

        @Option(names = "--max-cpu", paramLabel = "N", description = "The most vCPUs it may grow to while it runs;"
                + " 0 for no hot-plug. Changed only while it is stopped.")
        private Integer maxCpus;

        @Option(names = "--max-memory", paramLabel = "SIZE", converter = MemorySize.class, description = "The most"
                + " memory it may grow to while it runs; 0 for no hot-plug. Changed only while it is stopped.")
        private Long maxMemoryMib;

        @Option(names = "--add-disk", paramLabel = "DATASTORE:GIB", description = "Add an empty disk of GIB on"
                + " DATASTORE; repeat for more.")
        private List<String> addDisks = List.of();

        @Option(names = "--grow-disk", paramLabel = "DISK:GIB", description = "Grow the disk DISK to GIB; repeat for"
                + " more.")
        private List<String> growDisks = List.of();

        @Option(names = "--remove-disk", paramLabel = "DISK", description = "Detach the disk DISK, keeping its"
                + " volume; repeat for more.")
        private List<String> removeDisks = List.of();

        @Option(names = "--delete-removed-disks", description = "Delete the volumes of the disks --remove-disk"
                + " detaches.")
        private boolean deleteRemovedDisks;

        @Option(names = "--add-nic", paramLabel = "NETWORK[,mac=MAC][,in=KBPS][,out=KBPS]", description = "Add a NIC"
                + " on NETWORK, limited as --nic of create says; repeat for more.")
        private List<String> addNics = List.of();

        @Option(names = "--remove-nic", paramLabel = "MAC", description = "Remove the NIC of that MAC; repeat for"
                + " more.")
        private List<String> removeNics = List.of();

        @Override
        String verb() {
            return "set";
        }

        @Override
        JsonNode send(ApiClient client, String id) {
            List<Requests.NewDisk> added = new java.util.ArrayList<>();
            for (String disk : addDisks) {
                String[] parts = pair(disk, "--add-disk", "DATASTORE:GIB");
                added.add(new Requests.NewDisk(null, null, parts[0], Create.gib(parts[1], "--add-disk"), null));
            }
            List<Requests.GrowDisk> grown = new java.util.ArrayList<>();
            for (String disk : growDisks) {
                String[] parts = pair(disk, "--grow-disk", "DISK:GIB");
                grown.add(new Requests.GrowDisk(parts[0], Create.gib(parts[1], "--grow-disk")));
            }
            Requests.ChangeVm change = new Requests.ChangeVm(name, cpus, null, memoryMib, orNull(added),
                    orNull(grown), orNull(removeDisks), deleteRemovedDisks ? Boolean.TRUE : null,
                    orNull(addNics.stream().map(Create::nic).toList()), orNull(removeNics), maxCpus, maxMemoryMib);
            return client.patch("api/v1/vms/" + id, change);
        }

        private static String[] pair(String text, String option, String form) {
            String[] parts = text.split(":", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new CliException(ExitCode.USAGE, option + " takes " + form + ", not '" + text + "'.");
            }
            return parts;
        }

        private static <T> List<T> orNull(List<T> list) {
            return list.isEmpty() ? null : list;
        }
    }
}
