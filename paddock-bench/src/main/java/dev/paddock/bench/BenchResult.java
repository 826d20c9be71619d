package dev.paddock.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One benchmark's result, written as {@code bench/results/<name>.json}:
 * {@code {"benchmark", "date", "machine", "metrics", "goal": {"metric", "op", "value"}, "met"}}.
 * The README's benchmark table is generated from these files.
 */
public record BenchResult(String benchmark, Instant date, String machine, Map<String, Object> metrics, Goal goal) {

    /** A goal on one metric: {@code metrics[metric] op value}, where op is "<=" or ">=". */
    public record Goal(String metric, String op, double value) {
        public boolean isMetBy(double actual) {
            return switch (op) {
                case "<=" -> actual <= value;
                case ">=" -> actual >= value;
                default -> throw new IllegalArgumentException("unknown goal operator " + op);
            };
        }
    }

    public BenchResult {
        metrics = new LinkedHashMap<>(metrics);
    }

    public static BenchResult of(String benchmark, Map<String, Object> metrics, Goal goal) {
        return new BenchResult(benchmark, Instant.now().truncatedTo(ChronoUnit.SECONDS), Machine.describe(), metrics, goal);
    }

    public boolean met() {
        Object actual = metrics.get(goal.metric());
        if (!(actual instanceof Number number)) {
            throw new IllegalStateException("goal metric " + goal.metric() + " missing from " + benchmark);
        }
        return goal.isMetBy(number.doubleValue());
    }

    /** Writes {@code <dir>/<benchmark>.json} atomically and returns its path. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("benchmark", benchmark);
        root.put("date", date.toString());
        root.put("machine", machine);
        root.set("metrics", Json.mapper().valueToTree(metrics));
        ObjectNode goalNode = root.putObject("goal");
        goalNode.put("metric", goal.metric());
        goalNode.put("op", goal.op());
        goalNode.put("value", goal.value());
        root.put("met", met());
        Path target = dir.resolve(benchmark + ".json");
        Path temp = dir.resolve(benchmark + ".json.tmp");
        Files.writeString(temp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** The machine a benchmark runs on, as every result file names it. */
    public static String machineDescription() {
        return Machine.describe();
    }

    /** A one-line description of the machine a benchmark ran on. */
    static final class Machine {
        private Machine() {}

        static String describe() {
            String cpu = "unknown cpu";
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        cpu = line.substring(line.indexOf(':') + 1).trim();
                        break;
                    }
                }
            } catch (IOException e) {
                // not Linux: keep "unknown cpu"
            }
            long memGib = Math.round(((com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() / 1073741824.0);
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
            return host + ": " + Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", " + memGib
                    + " GiB, Java " + Runtime.version().feature();
        }
    }
}
