package dev.paddock.placement.consolidation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the physical servers CSV: a header line naming the columns, then one server per line. Columns may come in
 * any order; these are required:
 *
 * <pre>name,cpu_cores,cpu_util_pct,memory_gib,memory_util_pct,disk_gib,network_mbps</pre>
 *
 * <p>({@code cpu_util_pct} and {@code memory_util_pct} are the measured peaks), and these optional:
 *
 * <ul>
 *   <li>{@code cpu_avg_pct}: average CPU use in percent (defaults to the peak);
 *   <li>{@code applications}: {@code ;}-separated names, each optionally {@code name:share} with its share of the
 *       server's demand in percent (shares are given for all or none; none means an even split);
 *   <li>{@code anti_affinity}: {@code yes} to keep the server's application VMs on distinct hosts ({@code no} or
 *       empty otherwise);
 *   <li>{@code licences}: {@code ;}-separated licence names;
 *   <li>{@code watts}, {@code cost}: measured power draw and purchase cost.
 * </ul>
 *
 * <p>A line that cannot be read stops the parse with an {@link InvalidInventoryException} naming the line and the
 * field; blank lines are skipped.
 */
public final class ServerInventory {
    static final List<String> REQUIRED = List.of("name", "cpu_cores", "cpu_util_pct", "memory_gib", "memory_util_pct",
            "disk_gib", "network_mbps");
    static final List<String> OPTIONAL = List.of("cpu_avg_pct", "applications", "anti_affinity", "licences", "watts",
            "cost");
    static final String HEADER = String.join(",", REQUIRED);

    private ServerInventory() {}

    /** A line of the CSV that cannot be read; the message names the line and the field. */
    public static final class InvalidInventoryException extends RuntimeException {
        public InvalidInventoryException(String message) {
            super(message);
        }
    }

    public static List<PhysicalServer> parse(String csv) {
        String[] lines = csv.strip().split("\\R");
        Map<String, Integer> columns = header(lines[0]);
        List<PhysicalServer> servers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            Row row = new Row(lines[i].split(",", -1), i + 1, columns);
            PhysicalServer server = row.server();
            if (!names.add(server.name())) {
                throw new InvalidInventoryException("line " + row.line + ": the name " + server.name()
                        + " is already used by an earlier line");
            }
            servers.add(server);
        }
        return servers;
    }

    private static Map<String, Integer> header(String line) {
        if (line.isBlank()) {
            throw new InvalidInventoryException("line 1: the file is empty; expected the header " + HEADER);
        }
        String[] names = line.strip().split(",", -1);
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            String name = names[i].strip().toLowerCase(java.util.Locale.ROOT);
            if (!REQUIRED.contains(name) && !OPTIONAL.contains(name)) {
                throw new InvalidInventoryException("line 1: unknown column '" + name + "'; expected " + HEADER
                        + " and optionally " + String.join(",", OPTIONAL));
            }
            if (columns.put(name, i) != null) {
                throw new InvalidInventoryException("line 1: the column " + name + " appears twice");
            }
        }
        for (String required : REQUIRED) {
            if (!columns.containsKey(required)) {
                throw new InvalidInventoryException("line 1: the column " + required + " is missing; the header"
                        + " must name at least " + HEADER);
            }
        }
        return columns;
    }

    private record Row(String[] fields, int line, Map<String, Integer> columns) {
        Row {
            if (fields.length != columns.size()) {
                throw new InvalidInventoryException("line " + line + ": expected " + columns.size()
                        + " fields, found " + fields.length);
            }
        }

        PhysicalServer server() {
            String name = text("name");
            if (name.isEmpty()) {
                throw error("the name is empty");
            }
            double peak = percent("cpu_util_pct");
            double average = columns.containsKey("cpu_avg_pct") && !text("cpu_avg_pct").isEmpty()
                    ? percent("cpu_avg_pct") : peak;
            if (average > peak) {
                throw error("cpu_avg_pct (" + average + ") is above the peak cpu_util_pct (" + peak + ")");
            }
            return new PhysicalServer(name, (int) number("cpu_cores", 1, 4096), peak,
                    number("memory_gib", 1, 1 << 20), percent("memory_util_pct"), number("disk_gib", 0, 1L << 30),
                    number("network_mbps", 0, 1L << 30), average, applications(), antiAffinity(), list("licences"),
                    optionalNumber("watts", 0, 100_000), optionalNumber("cost", 0, 1L << 40));
        }

        private String text(String column) {
            Integer index = columns.get(column);
            return index == null ? "" : fields[index].strip();
        }

        private InvalidInventoryException error(String message) {
            return new InvalidInventoryException("line " + line + ": " + message);
        }

        private List<String> list(String column) {
            List<String> items = new ArrayList<>();
            for (String item : text(column).split(";")) {
                if (!item.isBlank()) {
                    items.add(item.strip());
                }
            }
            return items;
        }

        private List<PhysicalServer.Application> applications() {
            List<PhysicalServer.Application> apps = new ArrayList<>();
            int withShare = 0;
            Set<String> seen = new HashSet<>();
            for (String item : list("applications")) {
                String[] parts = item.split(":", 2);
                String app = parts[0].strip();
                if (app.isEmpty() || !app.matches("[A-Za-z0-9._-]+")) {
                    throw error("applications: '" + app + "' is not a name (letters, digits, '.', '_', '-')");
                }
                if (!seen.add(app)) {
                    throw error("applications: " + app + " is listed twice");
                }
                double share = 0;
                if (parts.length == 2) {
                    share = parse(parts[1], "the share of " + app);
                    if (!(share > 0 && share <= 100)) {
                        throw error("applications: the share of " + app + " must be above 0 and at most 100");
                    }
                    withShare++;
                }
                apps.add(new PhysicalServer.Application(app, share));
            }
            if (withShare != 0 && withShare != apps.size()) {
                throw error("applications: give a share to every application or to none");
            }
            if (withShare != 0) {
                double total = apps.stream().mapToDouble(PhysicalServer.Application::share).sum();
                if (Math.abs(total - 100) > 0.5) {
                    throw error("applications: the shares add up to " + total + "%, not 100%");
                }
            }
            return apps;
        }

        private boolean antiAffinity() {
            return switch (text("anti_affinity").toLowerCase(java.util.Locale.ROOT)) {
                case "", "no", "false" -> false;
                case "yes", "true" -> true;
                default -> throw error("anti_affinity is '" + text("anti_affinity") + "', not yes or no");
            };
        }

        private long optionalNumber(String column, long min, long max) {
            return text(column).isEmpty() ? 0 : number(column, min, max);
        }

        private long number(String column, long min, long max) {
            String value = text(column);
            try {
                long number = Long.parseLong(value);
                if (number < min || number > max) {
                    throw error(column + " must be between " + min + " and " + max + ", was " + number);
                }
                return number;
            } catch (NumberFormatException e) {
                throw error(column + " is '" + value + "', not a whole number");
            }
        }

        private double percent(String column) {
            double value = parse(text(column), column);
            if (!(value >= 0 && value <= 100)) {
                throw error(column + " must be between 0 and 100, was " + value);
            }
            return value;
        }

        private double parse(String value, String what) {
            try {
                double number = Double.parseDouble(value.strip());
                if (!Double.isFinite(number)) {
                    throw new NumberFormatException();
                }
                return number;
            } catch (NumberFormatException e) {
                throw error(what + " is '" + value.strip() + "', not a number");
            }
        }
    }
}
