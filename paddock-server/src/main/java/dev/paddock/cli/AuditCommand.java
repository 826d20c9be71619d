package dev.paddock.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.paddock.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code paddock audit verify}: walks the audit log's keyed hash chain on the server and names the first entry that
 * does not hold; {@code paddock audit export}: the log as JSON lines, oldest first.
 */
@Command(name = "audit", description = "The audit log: verify its chain, export it.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with the audit log: verify or export (see 'paddock"
                + " audit --help').");
    }

    @Command(name = "verify", description = "Check every entry of the audit log against its HMAC and the entry"
            + " before it; exits 8 naming the first entry that does not hold.")
    static final class Verify implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode verdict = root.client().get("api/v1/audit/verify");
            if (root.json()) {
                root.printJson(verdict);
            } else if (verdict.path("intact").asBoolean()) {
                root.out().println("The audit log holds: " + verdict.path("reason").asText() + ".");
            }
            if (!verdict.path("intact").asBoolean()) {
                String reason = verdict.path("reason").asText();
                if (root.json()) {
                    root.err().println("The audit log does not hold: " + reason + ".");
                    return ExitCode.TAMPERED.code();
                }
                throw new CliException(ExitCode.TAMPERED, "The audit log does not hold: " + reason + ".");
            }
            return 0;
        }
    }

    @Command(name = "export", description = "Print the audit log oldest first, one JSON object a line with its"
            + " hashes (-o json: one JSON array).")
    static final class Export implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Option(names = "--since", paramLabel = "SEQ|INSTANT",
                description = "From this entry's seq on, or from this time on (2030-01-01T00:00:00Z).")
        private String since;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            String path = "api/v1/audit/export" + (since == null ? "" : "?since=" + ApiClient.encode(since));
            String lines = root.client().text(path);
            if (!root.json()) {
                root.out().print(lines);
                root.out().flush();
                return 0;
            }
            ArrayNode entries = Json.mapper().createArrayNode();
            for (String line : lines.split("\n")) {
                if (!line.isBlank()) {
                    try {
                        entries.add(Json.mapper().readTree(line));
                    } catch (JsonProcessingException e) {
                        throw new CliException(ExitCode.ERROR, "The server's export has a line that is not JSON.");
                    }
                }
            }
            root.printJson(entries);
            return 0;
        }
    }
}
