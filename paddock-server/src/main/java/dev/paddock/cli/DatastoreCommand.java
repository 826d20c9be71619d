package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.api.Requests;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code paddock datastore create|list|volumes}: datastores as libvirt storage pools, made on chosen hosts as one
 * operation, listed with the sizes libvirt reports, and their volumes.
 */
@Command(name = "datastore", description = "Create storage pools as a datastore, list datastores, list volumes.",
        subcommands = {DatastoreCommand.Create.class, DatastoreCommand.ListAll.class, DatastoreCommand.Volumes.class,
                DatastoreCommand.Delete.class})
final class DatastoreCommand implements Runnable {

    private static final long GIB = 1L << 30;

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with datastores: create, list, volumes or delete (see"
                + " 'paddock datastore --help').");
    }

    @Command(name = "create", description = "Create a storage pool on each --host, as one operation: a host that"
            + " fails undoes the others. Types: dir (--path), netfs (--source-host, --path, --target), iscsi"
            + " (--source-host, --iqn), iscsi-direct (--source-host, --iqn, --initiator), rbd (--monitor, --pool;"
            + " untested on Ceph), or nfs (--source-host, --path): an NFS export no host mounts, whose disks QEMU"
            + " opens with its own NFS client, made on no host.")
    static final class Create implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Unique in its site; also the pool's name on each host.")
        private String name;

        @Option(names = "--type", required = true, paramLabel = "TYPE",
                description = "dir, netfs, iscsi, iscsi-direct, rbd or nfs.")
        private String type;

        @Option(names = "--host", required = true, paramLabel = "HOST", description = "A host (name or id) to create"
                + " the pool on; repeat for several.")
        private List<String> hosts = new ArrayList<>();

        @Option(names = "--source-host", paramLabel = "ADDR", description = "The NFS server or iSCSI portal.")
        private String sourceHost;

        @Option(names = "--path", paramLabel = "PATH", description = "The directory (dir) or the export (netfs,"
                + " nfs).")
        private String path;

        @Option(names = "--iqn", paramLabel = "IQN", description = "The iSCSI target.")
        private String iqn;

        @Option(names = "--initiator", paramLabel = "IQN", description = "The initiator IQN libvirt logs in as"
                + " (iscsi-direct; default one per host).")
        private String initiator;

        @Option(names = "--monitor", paramLabel = "ADDR", description = "A Ceph monitor (rbd); repeat for several.")
        private List<String> monitors;

        @Option(names = "--pool", paramLabel = "NAME", description = "The Ceph pool (rbd).")
        private String pool;

        @Option(names = "--target", paramLabel = "PATH", description = "The mount point (netfs) or device directory"
                + " (iscsi).")
        private String target;

        @Option(names = "--shared", description = "A dir pool over the same directory on every host.")
        private boolean shared;

        @Option(names = "--wait", description = "Follow the operation until it ends.")
        private boolean wait;

        @Override
        public Integer call() {
            Requests.NewPoolSource source = new Requests.NewPoolSource(sourceHost, monitors, path, iqn, initiator,
                    pool, target);
            Requests.NewDatastore request = new Requests.NewDatastore(null, name, shared ? Boolean.TRUE : null, null,
                    null, null, type, source, hosts);
            JsonNode operation = PaddockCommand.of(spec).client().post("api/v1/datastores", request);
            return VmCommand.accepted(spec, operation, wait, "create datastore " + name);
        }
    }

    @Command(name = "list", description = "List datastores with their type, hosts and the sizes libvirt reports.")
    static final class ListAll implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode datastores = root.client().get("api/v1/datastores");
            if (root.json()) {
                root.printJson(datastores);
                return 0;
            }
            Table table = new Table("NAME", "TYPE", "SHARED", "HOSTS", "CAPACITY", "FREE", "SOURCE", "ID");
            for (JsonNode datastore : datastores.path("items")) {
                table.row(datastore.path("name").asText(), datastore.path("type").asText(),
                        datastore.path("shared").asBoolean() ? "yes" : "no",
                        Integer.toString(datastore.path("hostIds").size()),
                        gib(datastore.path("capacityBytes").asLong()), gib(datastore.path("freeBytes").asLong()),
                        datastore.path("source").asText(), datastore.path("id").asText());
            }
            table.print(root.out());
            return 0;
        }
    }

    @Command(name = "volumes", description = "List a datastore's volumes (disk images, or an iSCSI target's LUNs).")
    static final class Volumes implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME-or-ID")
        private String datastore;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            ApiClient client = root.client();
            String id = resolve(client, datastore);
            JsonNode volumes = client.get("api/v1/datastores/" + ApiClient.encode(id) + "/volumes");
            if (root.json()) {
                root.printJson(volumes);
                return 0;
            }
            Table table = new Table("NAME", "FORMAT", "CAPACITY", "ALLOCATED", "PATH");
            for (JsonNode volume : volumes.path("items")) {
                table.row(volume.path("name").asText(), volume.path("format").asText(),
                        gib(volume.path("capacityBytes").asLong()), gib(volume.path("allocationBytes").asLong()),
                        volume.path("path").asText());
            }
            table.print(root.out());
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a datastore, its storage left as it is: a declared one is forgotten,"
            + " one made of pools has each pool undefined; refused while a VM has a disk on it.")
    static final class Delete implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME-or-ID")
        private String datastore;

        @Option(names = "--wait", description = "Follow the operation until it ends.")
        private boolean wait;

        @Override
        public Integer call() {
            ApiClient client = PaddockCommand.of(spec).client();
            String id = resolve(client, datastore);
            JsonNode answer = client.delete("api/v1/datastores/" + ApiClient.encode(id));
            return NetworkCommand.deleted(spec, answer, wait, "datastore", datastore, id);
        }
    }

    /** The id of the datastore with this name or id. */
    static String resolve(ApiClient client, String nameOrId) {
        List<String> found = new ArrayList<>();
        for (JsonNode datastore : client.get("api/v1/datastores").path("items")) {
            if (datastore.path("id").asText().equals(nameOrId)) {
                return nameOrId;
            }
            if (datastore.path("name").asText().equals(nameOrId)) {
                found.add(datastore.path("id").asText());
            }
        }
        if (found.isEmpty()) {
            throw new CliException(ExitCode.NOT_FOUND, "No datastore is named '" + nameOrId + "'.");
        }
        if (found.size() > 1) {
            throw new CliException(ExitCode.USAGE, "Several sites have a datastore named '" + nameOrId + "'; name it"
                    + " by id.");
        }
        return found.getFirst();
    }

    /** Bytes as GiB with one decimal, the way libvirt's pool-info rounds. */
    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) GIB);
    }
}
