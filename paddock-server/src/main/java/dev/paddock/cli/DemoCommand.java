package dev.paddock.cli;

import dev.paddock.security.Accounts;
import dev.paddock.security.Role;
import dev.paddock.security.User;
import dev.paddock.server.PaddockServer;
import dev.paddock.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code paddock demo}: a server on loopback over a simulated room, with data under ./var. It logs this machine's
 * command line in as {@code admin} (a new token in the credentials file, as {@code paddock login} would), and on
 * the first start prints admin's one-time password for the API and the browser.
 */
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
        // on loopback, Prometheus may scrape the demo without a token
        ServerConfig config = ServerConfig.inDirectory(data, "127.0.0.1", port, ServerConfig.Room.DEMO)
                .withOpenMetrics(true);
        PaddockServer server = ServerCommand.Servers.start(libvirtSharedDir == null ? config
                : config.withLibvirtSharedDirectory(libvirtSharedDir));
        PaddockCommand root = PaddockCommand.of(spec);
        String url = server.url().toString();
        String flag = url.equals(PaddockCommand.DEFAULT_SERVER.replace("localhost", "127.0.0.1")) ? ""
                : " --server " + url;
        Credentials.Login login = logCliIn(server, root, flag.isEmpty() ? PaddockCommand.DEFAULT_SERVER + "/"
                : url + "/");
        root.out().printf("""
                Paddock demo running at %s (data in %s). Ctrl-C stops it.
                %s
                Try:
                  ./paddock vms%s
                  ./paddock vm create test-1 --cluster prod-a --cpu 2 --memory 4G --wait%s
                  ./paddock vm stop shop-web-01 --wait%s
                API: %s/api/v1/openapi.json   Metrics: %s/metrics
                """, url, data.toAbsolutePath(), loggingIn(server, login, root), flag, flag, flag, url, url);
        root.out().flush();
        ServerCommand.Servers.runUntilStopped(server);
        return 0;
    }

    /** Gives the command line of this machine a token of admin for the demo's URL, as 'paddock login' would. */
    private static Credentials.Login logCliIn(PaddockServer server, PaddockCommand root, String cliUrl) {
        Accounts accounts = server.parts().accounts();
        User admin = accounts.identities().userNamed(Accounts.FIRST_USER).orElseThrow();
        Accounts.Issued issued = accounts.issueToken(admin, "demo-cli", Role.ADMINISTRATOR, Duration.ofDays(30));
        Credentials.Login login = new Credentials.Login(admin.name(), issued.token().id(), issued.secret());
        root.credentials().put(cliUrl, login);
        return login;
    }

    /** The lines that say how to log in. */
    private static String loggingIn(PaddockServer server, Credentials.Login login, PaddockCommand root) {
        String cli = "Logged in: the command line acts as '" + login.user() + "' (token kept in "
                + root.credentials().file() + "; 'paddock logout' ends it).";
        return cli + server.firstPassword().map(password -> "\nAPI and browser: user 'admin', one-time password "
                + password + " (shown once; 'paddock login' changes it; until then it only serves to change it).")
                .orElse("\nAPI and browser: user 'admin' with the password chosen at the first login"
                        + " (a token from 'paddock token create' for scripts).");
    }
}
