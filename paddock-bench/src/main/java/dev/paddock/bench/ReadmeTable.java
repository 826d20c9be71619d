package dev.paddock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Regenerates the README's benchmark table from {@code bench/results/*.json}, between the markers
 * {@code <!-- bench:begin -->} and {@code <!-- bench:end -->}, so the figures shown are always the files'.
 */
final class ReadmeTable {

    static final String BEGIN = "<!-- bench:begin -->";
    static final String END = "<!-- bench:end -->";

    private ReadmeTable() {}

    static String table(Path resultsDir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(resultsDir)) {
            try (Stream<Path> list = Files.list(resultsDir)) {
                list.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("| benchmark | key figures | goal | met | date | machine |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (Path file : files) {
            JsonNode root = Json.mapper().readTree(file.toFile());
            JsonNode goal = root.path("goal");
            out.append("| ").append(root.path("benchmark").asText())
                    .append(" | ").append(figures(root.path("metrics")))
                    .append(" | ").append(goal.path("metric").asText()).append(' ').append(goal.path("op").asText())
                    .append(' ').append(number(goal.path("value")))
                    .append(" | ").append(root.path("met").asBoolean() ? "yes" : "**no**")
                    .append(" | ").append(root.path("date").asText())
                    .append(" | ").append(root.path("machine").asText())
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String figures(JsonNode metrics) {
        List<String> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = metrics.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isValueNode()) {
                parts.add(field.getKey() + " " + number(field.getValue()));
            }
        }
        return String.join(", ", parts);
    }

    private static String number(JsonNode value) {
        if (value.isIntegralNumber()) {
            return String.format("%,d", value.asLong());
        }
        if (value.isNumber()) {
            double d = value.asDouble();
            return Math.abs(d) >= 100 ? String.format("%,.0f", d) : String.format("%.3g", d);
        }
        return value.asText();
    }

    /** Rewrites the README's table in place; the markers must exist. */
    static void update(Path readme, Path resultsDir) throws IOException {
        String text = Files.readString(readme);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(readme + " has no " + BEGIN + " ... " + END + " section");
        }
        String updated = text.substring(0, begin + BEGIN.length()) + "\n" + table(resultsDir) + text.substring(end);
        Files.writeString(readme, updated);
    }
}
