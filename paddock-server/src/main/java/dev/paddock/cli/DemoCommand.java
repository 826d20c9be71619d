package dev.paddock.cli;

import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code paddock demo}: a server on loopback over a simulated room, with data under ./var. */
@Command(name = "demo", description = "Run a demo server on a simulated room (data under ./var).")
final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--data", defaultValue = "var", paramLabel = "DIR",
            description = "Where the demo keeps its database and room (default ./${DEFAULT-VALUE}).")
    private Path data;

    @Option(names = "--libvirt-shared-dir", paramLabel = "DIR",
            description = "Also manage lab hosts: the lab's shared directory, as 'lab.sh up' prints it.")
    private Path libvirtSharedDir;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = ServerConfig.inDirectory(data, "127.0.0.1", port, ServerConfig.Room.DEMO);
        PaddockServer server = ServerCommand.Servers.start(libvirtSharedDir == null ? config
                : config.withLibvirtSharedDirectory(libvirtSharedDir));
        PaddockCommand root = PaddockCommand.of(spec);
        String url = server.url().toString();
        String flag = url.equals(PaddockCommand.DEFAULT_SERVER.replace("localhost", "127.0.0.1")) ? ""
                : " --server " + url;
        root.out().printf("""
                Paddock demo running at %s (data in %s). Ctrl-C stops it.
                Try:
                  paddock vms%s
                  paddock vm create test-1 --cluster prod-a --cpu 2 --memory 4G --wait%s
                  paddock vm stop shop-web-01 --wait%s
                API: %s/api/v1/openapi.json   Metrics: %s/metrics
                """, url, data.toAbsolutePath(), flag, flag, flag, url, url);
        root.out().flush();
        ServerCommand.Servers.runUntilStopped(server);
        return 0;
    }
}
