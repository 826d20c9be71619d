package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paddock token list|create|delete}: the caller's API tokens. */
@Command(name = "token", description = "List, create and revoke your API tokens.",
        subcommands = {TokenCommand.ListAll.class, TokenCommand.Create.class, TokenCommand.Delete.class})
final class TokenCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with tokens: list, create or delete (see"
                + " 'paddock token --help').");
    }

    @Command(name = "list", description = "List your tokens (never their secrets).")
    static final class ListAll implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode tokens = root.client().get("api/v1/tokens");
            if (root.json()) {
                root.printJson(tokens);
                return 0;
            }
            Table table = new Table("NAME", "ROLE", "CREATED", "EXPIRES", "ID");
            for (JsonNode token : tokens.path("items")) {
                table.row(token.path("name").asText(), token.path("role").asText(), token.path("createdAt").asText(),
                        token.path("expiresAt").asText(), token.path("id").asText());
            }
            table.print(root.out());
            return 0;
        }
    }

    @Command(name = "create", description = "Create a token; its secret is printed this once.")
    static final class Create implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Option(names = "--role", paramLabel = "ROLE", description = "Limit the token to this role's permissions"
                + " (default: all your grants allow).")
        private String role;

        @Option(names = "--days", paramLabel = "N", description = "Days until it expires (default 90).")
        private Integer days;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("role", role);
            body.put("expiresInDays", days);
            JsonNode token = root.client().post("api/v1/tokens", body);
            if (root.json()) {
                root.printJson(token);
            } else {
                root.out().println("token " + name + " (" + token.path("id").asText() + "), expires "
                        + token.path("expiresAt").asText() + "; it is shown only now:");
                root.out().println(token.path("token").asText());
                root.out().flush();
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Revoke one of your tokens.")
    static final class Delete implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ID")
        private String id;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            root.client().delete("api/v1/tokens/" + ApiClient.encode(id));
            return root.done(dev.paddock.json.Json.mapper().createObjectNode().put("revoked", id), "token " + id + " revoked");
        }
    }
}
