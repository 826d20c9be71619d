package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Console;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code paddock login}: proves a user's password once, gets an API token for this machine, and keeps it in the
 * credentials file for the server's URL; later verbs send it. When the server says the password must be changed
 * (the first administrator's one-time password), it asks for a new one first.
 */
@Command(name = "login", description = "Log in to the server: get an API token and keep it for the next verbs"
        + " (PADDOCK_TOKEN, when set, is used instead).")
final class LoginCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--user", defaultValue = "admin", paramLabel = "NAME",
            description = "The user (default ${DEFAULT-VALUE}).")
    private String user;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input"
            + " (and a new one from the second, when the password must be changed).")
    private boolean passwordStdin;

    @Override
    public Integer call() {
        PaddockCommand root = PaddockCommand.of(spec);
        ApiClient anonymous = root.anonymousClient();
        String password = secret(root, "Password for " + user + ": ");
        JsonNode me = anonymous.withPassword(user, password).get("api/v1/users/me");
        if (me.path("mustChangePassword").asBoolean()) {
            String fresh = secret(root, "The password of " + user + " must be changed. New password: ");
            anonymous.withPassword(user, password).post("api/v1/users/me/password",
                    Map.of("currentPassword", password, "newPassword", fresh));
            password = fresh;
        }
        JsonNode token = anonymous.withPassword(user, password).post("api/v1/tokens",
                Map.of("name", "cli-" + machine()));
        String server = anonymous.server().toString();
        root.credentials().put(server, new Credentials.Login(user, token.path("id").asText(),
                token.path("token").asText()));
        if (root.json()) {
            root.printJson(me);
        } else {
            root.out().println("Logged in to " + server + " as " + user + "; the token is kept in "
                    + root.credentials().file() + " until " + token.path("expiresAt").asText() + ".");
            root.out().flush();
        }
        return 0;
    }

    private String secret(PaddockCommand root, String prompt) {
        if (passwordStdin) {
            try {
                String line = root.in().readLine();
                if (line == null || line.isEmpty()) {
                    throw new CliException(ExitCode.USAGE, "--password-stdin read no password from standard input.");
                }
                return line;
            } catch (IOException e) {
                throw new CliException(ExitCode.USAGE, "Cannot read standard input: " + e.getMessage() + ".");
            }
        }
        Console console = System.console();
        if (console == null) {
            throw new CliException(ExitCode.USAGE, "No terminal to ask the password on; give it on standard input"
                    + " with --password-stdin.");
        }
        char[] typed = console.readPassword("%s", prompt);
        if (typed == null || typed.length == 0) {
            throw new CliException(ExitCode.USAGE, "No password was given.");
        }
        return new String(typed);
    }

    private static String machine() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
