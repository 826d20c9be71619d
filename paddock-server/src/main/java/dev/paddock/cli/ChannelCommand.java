package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code paddock channel add|list|remove|test}: where alarms and HA's notices go, a webhook or e-mail through an SMTP
 * server; {@code test} sends one notice now and says whether it arrived.
 */
@Command(name = "channel", description = "Where notifications go: add, list, remove or test a webhook or e-mail"
        + " channel.", subcommands = {ChannelCommand.Add.class, ChannelCommand.ListChannels.class,
                ChannelCommand.Remove.class, ChannelCommand.Test.class})
final class ChannelCommand implements Runnable {

    private static final String CHANNELS = "api/v1/channels";

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with notification channels: add, list, remove or test"
                + " (see 'paddock channel --help').");
    }

    private static String channel(String name) {
        return CHANNELS + "/" + ApiClient.encode(name);
    }

    /** Exactly one of the two. */
    static final class Kind {
        @Option(names = "--webhook", paramLabel = "URL", description = "POST each notice as JSON to this http(s) URL.")
        String url;

        @Option(names = "--smtp", paramLabel = "HOST[:PORT]", description = "Mail each notice through this SMTP"
                + " server (port 25, or 587 with --starttls, unless given).")
        String smtp;
    }

    @Command(name = "add", description = "Add a channel: 'ops-hook --webhook https://chat.example/hooks/ops' or"
            + " 'ops-mail --smtp mail.example:587 --starttls --from paddock@example.org --to ops@example.org'.")
    static final class Add implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @ArgGroup(exclusive = true, multiplicity = "1")
        private Kind kind;

        @Option(names = "--from", paramLabel = "ADDRESS", description = "E-mail: the sender.")
        private String from;

        @Option(names = "--to", paramLabel = "ADDRESS", description = "E-mail: a recipient (repeatable).")
        private List<String> to = new ArrayList<>();

        @Option(names = "--starttls", description = "E-mail: upgrade with STARTTLS, and refuse a server without it.")
        private boolean startTls;

        @Option(names = "--user", paramLabel = "USER", description = "E-mail: log in to the SMTP server as USER.")
        private String user;

        @Option(names = "--password-file", paramLabel = "FILE", description = "E-mail: a file holding --user's"
                + " password, kept sealed by the server.")
        private Path passwordFile;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            if (kind.url != null) {
                body.put("kind", "webhook");
                body.put("url", kind.url);
            } else {
                body.put("kind", "email");
                int colon = kind.smtp.lastIndexOf(':');
                if (colon > 0 && kind.smtp.substring(colon + 1).matches("[0-9]{1,5}")) {
                    body.put("smtpHost", kind.smtp.substring(0, colon));
                    body.put("smtpPort", Integer.parseInt(kind.smtp.substring(colon + 1)));
                } else {
                    body.put("smtpHost", kind.smtp);
                }
                body.put("startTls", startTls);
                body.put("from", from);
                body.put("to", to);
                if (user != null) {
                    body.put("username", user);
                }
                if (passwordFile != null) {
                    body.put("password", TextFile.read(passwordFile).strip());
                }
            }
            JsonNode made = root.client().post(CHANNELS, body);
            return root.done(made, made.path("kind").asText() + " channel " + name + " added; 'paddock channel test "
                    + name + "' sends it a notice now");
        }
    }

    private static String destination(JsonNode channel) {
        if (channel.path("kind").asText().equals("webhook")) {
            return channel.path("url").asText();
        }
        List<String> to = new ArrayList<>();
        channel.path("to").forEach(address -> to.add(address.asText()));
        return String.join(", ", to) + " through " + channel.path("smtpHost").asText() + ":"
                + channel.path("smtpPort").asText() + (channel.path("startTls").asBoolean() ? " (STARTTLS)" : "");
    }

    @Command(name = "list", description = "List the notification channels.")
    static final class ListChannels implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode answer = root.client().get(CHANNELS);
            if (root.json()) {
                root.printJson(answer);
                return 0;
            }
            Table table = new Table("NAME", "KIND", "TO", "OWNER", "ID");
            for (JsonNode channel : answer.path("items")) {
                table.row(channel.path("name").asText(), channel.path("kind").asText(), destination(channel),
                        channel.path("owner").asText(), channel.path("id").asText());
            }
            table.print(root.out());
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove a notification channel.")
    static final class Remove implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The channel's name (or id).")
        private String name;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            root.client().delete(channel(name));
            return root.done(dev.paddock.json.Json.mapper().createObjectNode().put("removed", name),
                    "channel " + name + " removed");
        }
    }

    @Command(name = "test", description = "Send a test notice through a channel now; exit 0 when it was delivered,"
            + " else say why not.")
    static final class Test implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The channel's name (or id).")
        private String name;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode result = root.client().post(channel(name) + "/test", null);
            if (!result.path("delivered").asBoolean()) {
                throw new CliException(ExitCode.ERROR, result.path("detail").asText());
            }
            return root.done(result, result.path("detail").asText());
        }
    }
}
