package dev.paddock.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code paddock logout}: revokes the token {@code paddock login} kept for the server and forgets it. */
@Command(name = "logout", description = "Log out of the server: revoke and forget the kept token.")
final class LogoutCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PaddockCommand root = PaddockCommand.of(spec);
        ApiClient anonymous = root.anonymousClient();
        String server = anonymous.server().toString();
        Optional<Credentials.Login> login = root.credentials().get(server);
        if (login.isPresent()) {
            try {
                anonymous.withToken(login.get().token()).delete("api/v1/tokens/"
                        + ApiClient.encode(login.get().tokenId()));
            } catch (CliException e) {
                if (e.exitCode() != ExitCode.DENIED && e.exitCode() != ExitCode.NOT_FOUND) {
                    throw e;
                }
                // already expired or revoked: forgetting it is all that is left to do
            }
            root.credentials().remove(server);
        } else {
            anonymous.get("api/v1/health"); // says so when the server is out of reach, as every verb does
        }
        if (root.json()) {
            root.printJson(dev.paddock.json.Json.mapper().createObjectNode().put("server", server)
                    .put("loggedOut", login.isPresent()));
        } else {
            root.out().println(login.isPresent() ? "Logged out of " + server + "." : "Not logged in to " + server
                    + "; nothing to do.");
            root.out().flush();
        }
        return 0;
    }
}
