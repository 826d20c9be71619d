package dev.paddock.backup;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a backup schedule starts a round: every fixed period (from 15 s to 31 days), or once a day at a time of day
 * in a time zone. Written as people type it: {@code every 15m}, {@code every 1h30m}, {@code daily 01:30
 * Europe/Paris} ({@code 15m} alone is {@code every 15m}; a daily time without a zone is UTC).
 *
 * <p>Pure: every answer is a function of the instants passed in. A round is due once its time has come, and one late
 * round is one round: a server that was down for a day runs the schedule once when it is back, not once per period
 * it missed ({@link #roundDue}). A round that is only a little late (less than a period) keeps its own time as its
 * start, so "every 15m" does not drift by the controller's tick.
 */
public sealed interface Cadence permits Cadence.Every, Cadence.Daily {

    Duration SHORTEST = Duration.ofSeconds(15);
    Duration LONGEST = Duration.ofDays(31);
    /** The widest gap between two VMs of one round (see {@link #offset}). */
    Duration STAGGER = Duration.ofSeconds(2);

    /** A round every {@code period}; the first at once. */
    record Every(Duration period) implements Cadence {
        public Every {
            if (period.compareTo(SHORTEST) < 0 || period.compareTo(LONGEST) > 0) {
                throw new IllegalArgumentException("a backup interval is from 15 s to 31 days, not "
                        + words(period));
            }
        }

        @Override
        public String text() {
            return "every " + words(period);
        }

        @Override
        public ZoneId zone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Instant nextAfter(Instant after) {
            return after.plus(period);
        }

        @Override
        public Instant due(Optional<Instant> lastRound, Instant created) {
            return lastRound.map(this::nextAfter).orElse(created);
        }
    }

    /**
     * A round each day at {@code at} in {@code zone}; the first at the next such time. A time a spring-forward skips
     * runs when the clocks have moved (02:30 in Paris on the last Sunday of March runs at 03:30); a time an autumn
     * fall-back repeats runs once, the first time.
     */
    record Daily(LocalTime at, ZoneId zone) implements Cadence {
        public Daily {
            at = at.withNano(0);
            // "UTC" and "Z" are one zone
            zone = zone.normalized();
        }

        @Override
        public Duration period() {
            return Duration.ofDays(1);
        }

        @Override
        public String text() {
            String time = at.getSecond() == 0 ? "%02d:%02d".formatted(at.getHour(), at.getMinute()) : at.toString();
            return "daily " + time + " " + (zone.equals(ZoneOffset.UTC) ? "UTC" : zone.getId());
        }

        @Override
        public Instant nextAfter(Instant after) {
            LocalDate day = after.atZone(zone).toLocalDate();
            while (true) {
                Instant candidate = ZonedDateTime.of(day, at, zone).toInstant();
                if (candidate.isAfter(after)) {
                    return candidate;
                }
                day = day.plusDays(1);
            }
        }

        @Override
        public Instant due(Optional<Instant> lastRound, Instant created) {
            return nextAfter(lastRound.orElse(created));
        }
    }

    /** A round's period: the period itself, or a day. The alarm and the stagger measure by it. */
    Duration period();

    /** The cadence as it is written, {@link #parse} reading it back. */
    String text();

    /** The zone a day is counted in (retention's daily and weekly points): a daily time's, else UTC. */
    ZoneId zone();

    /** The next time a round is due after one that started at {@code after}. */
    Instant nextAfter(Instant after);

    /** When the next round is due, given when the last one started (none yet) and when the schedule was made. */
    Instant due(Optional<Instant> lastRound, Instant created);

    /**
     * The start of the round due at {@code now}, or empty when none is: its own due time when it is less than a period
     * late, else {@code now} (one late round, counted from when it actually ran).
     */
    default Optional<Instant> roundDue(Optional<Instant> lastRound, Instant created, Instant now) {
        Instant due = due(lastRound, created);
        if (now.isBefore(due)) {
            return Optional.empty();
        }
        return Optional.of(now.isBefore(due.plus(period())) ? due : now);
    }

    /**
     * How long after its round's start the {@code index}th of {@code count} VMs is backed up: a step of at most
     * {@link #STAGGER}, and the whole round within half a period, so many VMs do not all start in the same second.
     */
    default Duration offset(int index, int count) {
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("VM " + index + " of " + count + " is no VM of the round");
        }
        Duration step = period().dividedBy(2L * count);
        return (step.compareTo(STAGGER) < 0 ? step : STAGGER).multipliedBy(index);
    }

    /**
     * When a VM whose last good backup started at {@code since}, and usually takes {@code usual}, is overdue: two
     * periods and its usual duration later (one missed round is a hiccup, two are for a person to look at).
     */
    default Instant overdueAt(Instant since, Duration usual) {
        return since.plus(period().multipliedBy(2)).plus(usual);
    }

    /**
     * Reads a cadence; an {@link IllegalArgumentException} says what is wrong with it.
     */
    static Cadence parse(String text) {
        String trimmed = text.strip();
        String[] words = trimmed.split("\\s+");
        String first = words[0].toLowerCase(Locale.ROOT);
        if (first.equals("daily")) {
            if (words.length < 2 || words.length > 3) {
                throw new IllegalArgumentException("a daily backup reads 'daily HH:MM [ZONE]', not '" + trimmed + "'");
            }
            LocalTime at;
            try {
                at = LocalTime.parse(words[1]);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + words[1] + "' is no time of day (HH:MM)");
            }
            ZoneId zone;
            try {
                zone = words.length == 3 ? ZoneId.of(words[2]) : ZoneOffset.UTC;
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("'" + words[2] + "' is no time zone (for example Europe/Paris)");
            }
            return new Daily(at, zone);
        }
        if (first.equals("every") && words.length == 2) {
            return new Every(duration(words[1]));
        }
        if (words.length == 1) {
            return new Every(duration(words[0]));
        }
        throw new IllegalArgumentException("a backup interval reads 'every 15m' (s, m, h, d) or 'daily HH:MM [ZONE]',"
                + " not '" + trimmed + "'");
    }

    private static Duration duration(String text) {
        Matcher parts = Pattern.compile("(\\d{1,7})([smhd])").matcher(text.toLowerCase(Locale.ROOT));
        Duration total = Duration.ZERO;
        int end = 0;
        while (parts.find() && parts.start() == end) {
            long count = Long.parseLong(parts.group(1));
            total = total.plus(switch (parts.group(2)) {
                case "s" -> Duration.ofSeconds(count);
                case "m" -> Duration.ofMinutes(count);
                case "h" -> Duration.ofHours(count);
                default -> Duration.ofDays(count);
            });
            end = parts.end();
        }
        if (end == 0 || end != text.length()) {
            throw new IllegalArgumentException("'" + text + "' is no interval (a number and s, m, h or d: 15m, 1h30m,"
                    + " 2d)");
        }
        return total;
    }

    /** A duration as it is typed: 1h30m, 15s, 2d. */
    private static String words(Duration duration) {
        StringBuilder text = new StringBuilder();
        long seconds = duration.getSeconds();
        long[] sizes = {86_400, 3_600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (seconds >= sizes[i]) {
                text.append(seconds / sizes[i]).append(units[i]);
                seconds %= sizes[i];
            }
        }
        return text.isEmpty() ? "0s" : text.toString();
    }
}
