package dev.paddock.placement.consolidation;

import dev.paddock.model.Resources;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The host to consolidate onto: its capacity, power draw and purchase cost. Written
 * {@code cpu=64000,memory=524288,disk=8000,network=25000,watts=450,cost=12000} (millicores, MiB, GiB, Mbit/s, W,
 * currency units) or named by a preset.
 */
public record HostModel(String name, Resources capacity, long watts, long cost) {

    /** Named models for the command line. */
    public static final Map<String, HostModel> PRESETS = presets();

    private static Map<String, HostModel> presets() {
        Map<String, HostModel> presets = new LinkedHashMap<>();
        presets.put("small", new HostModel("small", Resources.of(32_000, 262_144, 4_000, 10_000), 350, 8_000));
        presets.put("medium", new HostModel("medium", Resources.of(64_000, 524_288, 8_000, 25_000), 450, 12_000));
        presets.put("large", new HostModel("large", Resources.of(128_000, 1_048_576, 16_000, 50_000), 750, 22_000));
        return Map.copyOf(presets);
    }

    /** Its capacity in a person's units, e.g. "64 cores, 512 GiB memory, 8,000 GiB disk, 25,000 Mbit/s". */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%s cores, %,d GiB memory, %,d GiB disk, %,d Mbit/s",
                capacity.cpuMillicores() % 1000 == 0 ? String.valueOf(capacity.cpuMillicores() / 1000)
                        : String.format(java.util.Locale.ROOT, "%.1f", capacity.cpuMillicores() / 1000.0),
                capacity.memoryMib() / 1024, capacity.diskGib(), capacity.networkMbps());
    }

    /** A preset name or a {@code key=value} list naming all of cpu, memory, disk, network, watts and cost. */
    public static HostModel parse(String text) {
        HostModel preset = PRESETS.get(text.strip());
        if (preset != null) {
            return preset;
        }
        Map<String, Long> values = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("host model: '" + pair.strip() + "' is not key=value; give cpu,"
                        + " memory, disk, network, watts and cost, or one of " + PRESETS.keySet().stream().sorted()
                        .toList());
            }
            try {
                long value = Long.parseLong(kv[1].strip());
                if (value < 0) {
                    throw new NumberFormatException();
                }
                values.put(kv[0].strip(), value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("host model: " + kv[0].strip() + " is '" + kv[1].strip()
                        + "', not a non-negative whole number");
            }
        }
        for (String key : new String[] {"cpu", "memory", "disk", "network", "watts", "cost"}) {
            if (!values.containsKey(key)) {
                throw new IllegalArgumentException("host model: " + key + " is missing");
            }
        }
        if (values.get("cpu") == 0 || values.get("memory") == 0) {
            throw new IllegalArgumentException("host model: cpu and memory must be positive");
        }
        return new HostModel("custom", Resources.of(values.get("cpu"), values.get("memory"), values.get("disk"),
                values.get("network")), values.get("watts"), values.get("cost"));
    }
}
