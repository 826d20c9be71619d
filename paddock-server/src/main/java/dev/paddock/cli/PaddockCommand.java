package dev.paddock.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root of the command line: the options every client verb shares, and the verbs. */
@Command(
        name = "paddock",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = PaddockCommand.Version.class,
        description = "Paddock: an agentless manager for a room of virtualized servers.",
        subcommands = {
            ServerCommand.class,
            DemoCommand.class,
            HostsCommand.class,
            HostCommand.class,
            HaCommand.class,
            VmsCommand.class,
            NetworkCommand.class,
            LicenceCommand.class,
            BalanceCommand.class,
            PowerCommand.class,
            VmCommand.class,
            DatastoreCommand.class,
            ImageCommand.class,
            TemplateCommand.class,
            OpsCommand.class,
            PlacementCommand.class,
            ConsolidateCommand.class,
            LoginCommand.class,
            LogoutCommand.class,
            UserCommand.class,
            TokenCommand.class,
            CredentialCommand.class,
            BackupCommand.class, ReplicationCommand.class,
            ThresholdCommand.class, ChannelCommand.class,
            AuditCommand.class,
            CommandLine.HelpCommand.class
        })
public final class PaddockCommand implements Runnable {

    static final String DEFAULT_SERVER = "http://localhost:8080";

    /** How results are printed. */
    enum Output {
        TABLE,
        JSON
    }

    @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "The Paddock server (default: $PADDOCK_URL, else " + DEFAULT_SERVER + ").")
    private String server;

    @Option(names = "--cacert", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Trust the server's certificate (or CA) in this PEM file for https:// (default:"
                    + " $PADDOCK_CACERT, else the system's CAs).")
    private java.nio.file.Path cacert;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "table (default) or json.")
    private Output output = Output.TABLE;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private final java.io.BufferedReader in;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<String, String> env;

    PaddockCommand(java.io.BufferedReader in, PrintWriter out, PrintWriter err, Map<String, String> env) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = env;
    }

    @Override
    public void run() {
        spec.commandLine().usage(out);
    }

    /** The root command of whichever verb is running. */
    static PaddockCommand of(CommandLine.Model.CommandSpec spec) {
        return (PaddockCommand) spec.root().userObject();
    }

    /**
     * A client of the server, authenticated with {@code PADDOCK_TOKEN} when it is set, else with the token
     * {@code paddock login} stored for this server, else with nothing (the server then says how to log in).
     */
    ApiClient client() {
        ApiClient anonymous = anonymousClient();
        Optional<String> token = Optional.ofNullable(env.get("PADDOCK_TOKEN")).filter(t -> !t.isBlank())
                .or(() -> credentials().get(anonymous.server().toString()).map(Credentials.Login::token));
        return token.map(anonymous::withToken).orElse(anonymous);
    }

    Credentials credentials() {
        return Credentials.of(env);
    }

    Map<String, String> env() {
        return env;
    }

    java.io.BufferedReader in() {
        return in;
    }

    /** A client of the server that sends no credentials. */
    ApiClient anonymousClient() {
        String url = server != null ? server : env.getOrDefault("PADDOCK_URL", DEFAULT_SERVER);
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url : url + "/");
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, "'" + url + "' is not a URL.");
        }
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
            throw new CliException(ExitCode.USAGE, "'" + url + "' is not an http(s) URL such as " + DEFAULT_SERVER
                    + ".");
        }
        Optional<SSLContext> trust = Optional.empty();
        String trusted = cacert != null ? cacert.toString() : env.get("PADDOCK_CACERT");
        if (trusted != null && !trusted.isBlank()) {
            java.nio.file.Path pem = java.nio.file.Path.of(trusted);
            if (!java.nio.file.Files.isReadable(pem)) {
                throw new CliException(ExitCode.USAGE, "There is no readable certificate file " + pem + ".");
            }
            try {
                trust = Optional.of(dev.paddock.tls.TrustedCertificates.of(pem));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, e.getMessage());
            }
        }
        return new ApiClient(uri, Optional.empty(), trust);
    }

    boolean json() {
        return output == Output.JSON;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /** What a verb with no resource to show answers: {@code json} with --output json, else {@code sentence}. */
    int done(JsonNode json, String sentence) {
        if (json()) {
            printJson(json);
        } else {
            out.println(sentence);
            out.flush();
        }
        return 0;
    }

    void printJson(JsonNode node) {
        try {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree always prints", e);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = PaddockCommand.class.getPackage().getImplementationVersion();
            return new String[] {"paddock " + (version == null ? "development build" : version)};
        }
    }
}
