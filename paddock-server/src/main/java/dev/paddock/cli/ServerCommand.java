package dev.paddock.cli;

import dev.paddock.server.Leadership;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import dev.paddock.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code paddock server}: runs the manager until the process is stopped. */
@Command(name = "server", description = "Run the Paddock server.")
final class ServerCommand implements Callable<Integer> {

    /** The rooms a server can manage, as the command line spells them. */
    enum RoomOption {
        DEMO(ServerConfig.Room.DEMO),
        EMPTY(ServerConfig.Room.EMPTY);

        final ServerConfig.Room room;

        RoomOption(ServerConfig.Room room) {
            this.room = room;
        }
    }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on (default ${DEFAULT-VALUE}; the API has no authentication yet, so serve a network with care).")
    private String bind;

    @Option(names = "--db", paramLabel = "JDBC-URL",
            description = "The store: jdbc:h2:file:... or jdbc:postgresql://... (default " + StoreConfig.DEFAULT_URL
                    + ").")
    private String db;

    @Option(names = "--data", defaultValue = "var", paramLabel = "DIR",
            description = "Where the simulated room keeps its state (default ./${DEFAULT-VALUE}).")
    private Path data;

    @Option(names = "--room", defaultValue = "empty", paramLabel = "ROOM",
            description = "The simulated room: demo (hosts and VMs on first start) or empty (default).")
    private RoomOption room;

    @Option(names = "--libvirt-shared-dir", paramLabel = "DIR",
            description = "A directory every libvirt host sees at the same path (the lab's shared directory, as"
                    + " 'lab.sh up' prints it): guests boot its vmlinuz and initrd.img and migrate over it.")
    private Path libvirtSharedDir;

    @Option(names = "--vnc-listen", paramLabel = "ADDRESS",
            description = "The address VMs' VNC displays listen on (127.0.0.1 keeps them on the host); by default each"
                    + " host's management address, the host of its libvirt URI, which the VNC proxy reaches.")
    private String vncListen;

    @Option(names = "--lease-ttl", defaultValue = "15", paramLabel = "SECONDS",
            description = "How long the leader lease lives without renewal (default ${DEFAULT-VALUE}): one server acts"
                    + " per database; a second waits this long for a silent holder, then refuses to start.")
    private double leaseTtlSeconds;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65_535) {
            throw new CliException(ExitCode.USAGE, "--port must be between 0 and 65535.");
        }
        ServerConfig config = new ServerConfig(bind, port, db == null ? StoreConfig.DEFAULT_URL : db, room.room,
                data.toAbsolutePath());
        if (libvirtSharedDir != null) {
            config = config.withLibvirtSharedDirectory(libvirtSharedDir);
        }
        if (vncListen != null) {
            config = config.withVncListen(vncListen);
        }
        if (!(leaseTtlSeconds >= 0.03 && leaseTtlSeconds <= 3600)) {
            throw new CliException(ExitCode.USAGE, "--lease-ttl must be between 0.03 and 3600 seconds.");
        }
        PaddockCommand root = PaddockCommand.of(spec);
        PaddockServer server = Servers.start(config,
                new Leadership.Settings(Duration.ofMillis(Math.round(leaseTtlSeconds * 1000))));
        root.out().println("Paddock listening on " + server.url() + " (Ctrl-C stops it)");
        root.out().flush();
        Servers.runUntilStopped(server);
        return 0;
    }

    /** Starting a server and keeping it up until the JVM is asked to stop. */
    static final class Servers {
        private Servers() {}

        static PaddockServer start(ServerConfig config) {
            return start(config, Leadership.Settings.DEFAULT);
        }

        static PaddockServer start(ServerConfig config, Leadership.Settings lease) {
            try {
                return PaddockServer.start(config, lease);
            } catch (Leadership.Refused e) {
                throw new CliException(ExitCode.CONFLICT, "The server did not start: " + e.getMessage());
            } catch (RuntimeException e) {
                throw new CliException(ExitCode.ERROR, "The server did not start: " + rootMessage(e));
            }
        }

        static void runUntilStopped(PaddockServer server) throws InterruptedException {
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "paddock-shutdown"));
            stopped.await();
        }

        private static String rootMessage(Throwable e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = root.getMessage() == null ? root.toString() : root.getMessage();
            return message.endsWith(".") ? message : message + ".";
        }
    }
}
