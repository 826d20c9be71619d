package dev.paddock.backup;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which restore points a {@link RetentionPolicy} keeps and which it forgets. Pure: days and weeks are read in the
 * zone passed in, never the machine's.
 */
public final class Retention {

    private Retention() {}

    /** A restore point as retention sees it: its id and when it was taken. */
    public record Stamp(String id, Instant taken) {}

    /**
     * @param kept      each kept point's id with the rules that keep it ("last", "daily 2026-12-06", "weekly 2026-W49"),
     *                  newest first
     * @param forgotten the ids of the points no rule keeps, newest first
     */
    public record Decision(Map<String, List<String>> kept, List<String> forgotten) {}

    public static Decision decide(List<Stamp> points, RetentionPolicy policy, ZoneId zone) {
        List<Stamp> newestFirst = points.stream()
                .sorted(Comparator.comparing(Stamp::taken).reversed().thenComparing(Stamp::id))
                .toList();
        Map<String, List<String>> kept = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(policy.last(), newestFirst.size()); i++) {
            keep(kept, newestFirst.get(i), "last");
        }
        keepNewestPerPeriod(kept, newestFirst, policy.daily(),
                stamp -> "daily " + LocalDate.ofInstant(stamp.taken(), zone));
        keepNewestPerPeriod(kept, newestFirst, policy.weekly(), stamp -> {
            LocalDate day = LocalDate.ofInstant(stamp.taken(), zone);
            return "weekly %d-W%02d".formatted(day.get(IsoFields.WEEK_BASED_YEAR),
                    day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        });
        Map<String, List<String>> ordered = new LinkedHashMap<>();
        List<String> forgotten = new ArrayList<>();
        for (Stamp stamp : newestFirst) {
            List<String> reasons = kept.get(stamp.id());
            if (reasons == null) {
                forgotten.add(stamp.id());
            } else {
                ordered.put(stamp.id(), List.copyOf(reasons));
            }
        }
        return new Decision(ordered, List.copyOf(forgotten));
    }

    /** Walking newest first, the first point of each new period is that period's newest; {@code count} periods. */
    private static void keepNewestPerPeriod(Map<String, List<String>> kept, List<Stamp> newestFirst, int count,
                                            Function<Stamp, String> period) {
        Set<String> seen = new HashSet<>();
        for (Stamp stamp : newestFirst) {
            if (seen.size() == count) {
                return;
            }
            String name = period.apply(stamp);
            if (seen.add(name)) {
                keep(kept, stamp, name);
            }
        }
    }

    private static void keep(Map<String, List<String>> kept, Stamp stamp, String reason) {
        kept.computeIfAbsent(stamp.id(), id -> new ArrayList<>()).add(reason);
    }
}
