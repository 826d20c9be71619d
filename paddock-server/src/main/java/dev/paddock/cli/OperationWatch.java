package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Follows an operation until it is final, redrawing one progress line in place:
 * {@code [##########----------]  50%  2/4  running  define web-1 on node-1}.
 */
final class OperationWatch {

    private static final int WIDTH = 24;

    private final ApiClient client;
    private final Duration poll;

    OperationWatch(ApiClient client, Duration poll) {
        this.client = client;
        this.poll = poll;
    }

    /** Returns the final operation; draws progress on {@code out} unless it is null. */
    JsonNode follow(String id, PrintWriter out) {
        String path = "api/v1/operations/" + ApiClient.encode(id);
        String drawn = "";
        while (true) {
            JsonNode operation = client.get(path);
            String line = line(operation);
            if (out != null && !line.equals(drawn)) {
                out.print("\r" + line + " ".repeat(Math.max(0, drawn.length() - line.length())));
                out.flush();
                drawn = line;
            }
            if (operation.path("isFinal").asBoolean()) {
                if (out != null) {
                    out.println();
                    out.flush();
                }
                return operation;
            }
            try {
                Thread.sleep(poll);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCode.ERROR, "Interrupted while following operation " + id + ".");
            }
        }
    }

    static String line(JsonNode operation) {
        double progress = operation.path("progress").asDouble();
        int filled = (int) Math.round(progress * WIDTH);
        int done = operation.path("stepsDone").asInt();
        int total = operation.path("stepsTotal").asInt();
        String state = operation.path("state").asText().toLowerCase(java.util.Locale.ROOT);
        return String.format("[%s%s] %4s  %d/%d  %-11s %s", "#".repeat(filled), "-".repeat(WIDTH - filled),
                Format.percent(progress), done, total, state, current(operation));
    }

    /** The step running now, else the last one done, else the operation's kind. */
    private static String current(JsonNode operation) {
        String last = operation.path("kind").asText();
        for (JsonNode step : operation.path("steps")) {
            String state = step.path("state").asText();
            if (state.equals("RUNNING") || state.equals("FAILED")) {
                return step.path("description").asText();
            }
            if (!state.equals("PENDING")) {
                last = step.path("description").asText();
            }
        }
        return last;
    }

    /** The exit status an ended operation means, with its error on stderr when it did not succeed. */
    static int outcome(JsonNode operation, PrintWriter err) {
        String state = operation.path("state").asText();
        if (state.equals("DONE")) {
            return ExitCode.OK.code();
        }
        String error = operation.path("error").asText("");
        err.println("paddock: operation " + operation.path("id").asText() + " ended " + state.toLowerCase(
                java.util.Locale.ROOT) + (error.isEmpty() ? "." : ": " + error));
        err.flush();
        return ExitCode.OPERATION_FAILED.code();
    }
}
