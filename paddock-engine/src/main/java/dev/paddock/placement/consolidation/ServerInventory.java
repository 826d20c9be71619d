package dev.paddock.placement.consolidation;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the physical servers CSV: a header line, then
 * {@code name,cpu_cores,cpu_util_pct,memory_gib,memory_util_pct,disk_gib,network_mbps} per server.
 */
public final class ServerInventory {
    static final String HEADER = "name,cpu_cores,cpu_util_pct,memory_gib,memory_util_pct,disk_gib,network_mbps";

    private ServerInventory() {}

    /** A line of the CSV that cannot be read; the message names the line and the field. */
    public static final class InvalidInventoryException extends RuntimeException {
        public InvalidInventoryException(String message) {
            super(message);
        }
    }

    public static List<PhysicalServer> parse(String csv) {
        String[] lines = csv.strip().split("\\R");
        if (lines.length == 0 || !lines[0].strip().equals(HEADER)) {
            throw new InvalidInventoryException("line 1: expected the header " + HEADER);
        }
        List<PhysicalServer> servers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] f = lines[i].split(",", -1);
            int line = i + 1;
            if (f.length != 7) {
                throw new InvalidInventoryException("line " + line + ": expected 7 fields, found " + f.length);
            }
            if (f[0].isBlank()) {
                throw new InvalidInventoryException("line " + line + ": the name is empty");
            }
            servers.add(new PhysicalServer(f[0].strip(), (int) number(f[1], line, "cpu_cores", 1, 4096),
                    percent(f[2], line, "cpu_util_pct"), number(f[3], line, "memory_gib", 1, 1 << 20),
                    percent(f[4], line, "memory_util_pct"), number(f[5], line, "disk_gib", 0, 1L << 30),
                    number(f[6], line, "network_mbps", 0, 1L << 30)));
        }
        return servers;
    }

    private static long number(String text, int line, String field, long min, long max) {
        try {
            long value = Long.parseLong(text.strip());
            if (value < min || value > max) {
                throw new InvalidInventoryException("line " + line + ": " + field + " must be between " + min
                        + " and " + max + ", was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidInventoryException("line " + line + ": " + field + " is '" + text.strip()
                    + "', not a whole number");
        }
    }

    private static double percent(String text, int line, String field) {
        try {
            double value = Double.parseDouble(text.strip());
            if (!(value >= 0 && value <= 100)) {
                throw new InvalidInventoryException("line " + line + ": " + field + " must be between 0 and 100");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidInventoryException("line " + line + ": " + field + " is '" + text.strip()
                    + "', not a number");
        }
    }
}
