package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code paddock user list|create|delete|grant}: local users and the roles they hold where. */
@Command(name = "user", description = "List, create and delete users; grant them roles.",
        subcommands = {UserCommand.ListAll.class, UserCommand.Create.class, UserCommand.Delete.class,
            UserCommand.GrantRole.class})
final class UserCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with users: list, create, delete or grant (see"
                + " 'paddock user --help').");
    }

    @Command(name = "list", description = "List users and their grants.")
    static final class ListAll implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode users = root.client().get("api/v1/users");
            if (root.json()) {
                root.printJson(users);
                return 0;
            }
            Table table = new Table("NAME", "GROUPS", "GRANTS", "MUST-CHANGE-PASSWORD", "ID");
            for (JsonNode user : users.path("items")) {
                List<String> groups = new ArrayList<>();
                user.path("groups").forEach(group -> groups.add(group.asText()));
                List<String> grants = new ArrayList<>();
                user.path("grants").forEach(grant -> grants.add(grant.path("role").asText() + "@"
                        + grant.path("scope").asText() + (grant.hasNonNull("scopeId") ? ":"
                                + grant.path("scopeId").asText() : "")));
                table.row(user.path("name").asText(), String.join(",", groups), String.join(",", grants),
                        user.path("mustChangePassword").asText(), user.path("id").asText());
            }
            table.print(root.out());
            return 0;
        }
    }

    @Command(name = "create", description = "Create a local user; without --password-stdin a one-time password is"
            + " printed, to be changed at the first login.")
    static final class Create implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Option(names = "--group", paramLabel = "GROUP", description = "A directory group the user is in"
                + " (repeatable).")
        private List<String> groups = new ArrayList<>();

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard"
                + " input.")
        private boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            PaddockCommand root = PaddockCommand.of(spec);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("groups", groups);
            if (passwordStdin) {
                String password = root.in().readLine();
                if (password == null || password.isEmpty()) {
                    throw new CliException(ExitCode.USAGE, "--password-stdin read no password from standard input.");
                }
                body.put("password", password);
            }
            JsonNode created = root.client().post("api/v1/users", body);
            if (root.json()) {
                root.printJson(created);
            } else {
                root.out().println("user " + name + ": " + created.path("user").path("id").asText()
                        + (created.hasNonNull("oneTimePassword") ? "; one-time password "
                                + created.path("oneTimePassword").asText() + " (to be changed at the first login)"
                                : ""));
                root.out().flush();
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a user with their tokens and grants.")
    static final class Delete implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME-or-ID")
        private String user;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            root.client().delete("api/v1/users/" + ApiClient.encode(user));
            return root.done(dev.paddock.json.Json.mapper().createObjectNode().put("deleted", user), "user " + user + " deleted");
        }
    }

    @Command(name = "grant", description = "Grant a role to a user on the room, a site or a cluster.")
    static final class GrantRole implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "USER")
        private String user;

        @Parameters(index = "1", paramLabel = "ROLE", description = "administrator, operator, auditor, read-only or"
                + " a custom role.")
        private String role;

        @Option(names = "--site", paramLabel = "ID", description = "Only on this site.")
        private String site;

        @Option(names = "--cluster", paramLabel = "ID", description = "Only on this cluster.")
        private String cluster;

        @Override
        public Integer call() {
            if (site != null && cluster != null) {
                throw new CliException(ExitCode.USAGE, "Give --site or --cluster, not both.");
            }
            PaddockCommand root = PaddockCommand.of(spec);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("user", user);
            body.put("role", role);
            body.put("siteId", site);
            body.put("clusterId", cluster);
            JsonNode grant = root.client().post("api/v1/grants", body);
            if (root.json()) {
                root.printJson(grant);
            } else {
                root.out().println("granted " + role + " to " + user + " on " + grant.path("scope").asText()
                        + (grant.hasNonNull("scopeId") ? " " + grant.path("scopeId").asText() : "") + ": "
                        + grant.path("id").asText());
                root.out().flush();
            }
            return 0;
        }
    }
}
