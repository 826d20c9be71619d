package dev.paddock.api;

import dev.paddock.security.RateLimiter;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much one request may carry and how often one caller may start work.
 *
 * @param maxRequestBytes the largest body a route takes, unless it declares its own ({@link SecuredRoutes#upTo})
 * @param expensive how often one caller may call the routes declared expensive ({@link SecuredRoutes#expensive});
 *     empty for no limit
 */
public record RequestLimits(long maxRequestBytes, Optional<RateLimiter.Rate> expensive) {

    /** JSON bodies are small: the largest, a VM with its disks and cloud-init documents, is a few KiB. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 1L << 20;

    /**
     * A burst of 300 at once, then five a second: above what a script creating a room's VMs together sends (the
     * placement tests create 200 at once), far below what a runaway loop does.
     */
    public static final RateLimiter.Rate DEFAULT_EXPENSIVE = new RateLimiter.Rate(300, Duration.ofMinutes(1));

    public static final RequestLimits DEFAULT = new RequestLimits(DEFAULT_MAX_REQUEST_BYTES,
            Optional.of(DEFAULT_EXPENSIVE));

    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)");
    private static final Pattern RATE = Pattern.compile("(\\d{1,9})\\s*/\\s*(s|sec|second|min|minute|h|hour)");

    public RequestLimits {
        Objects.requireNonNull(expensive, "expensive");
        if (maxRequestBytes < 1) {
            throw new IllegalArgumentException("the largest request body must be at least one byte");
        }
    }

    public RequestLimits withMaxRequestBytes(long bytes) {
        return new RequestLimits(bytes, expensive);
    }

    public RequestLimits withExpensive(Optional<RateLimiter.Rate> rate) {
        return new RequestLimits(maxRequestBytes, rate);
    }

    /**
     * A size as a user writes it: {@code 1048576}, {@code 512KiB}, {@code 1MiB}, {@code 2G} (powers of 1024).
     *
     * @throws IllegalArgumentException with a sentence, for anything else
     */
    public static long size(String text) {
        Matcher matcher = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is no size; write bytes, or a number with KiB, MiB"
                    + " or GiB, for example 1MiB.");
        }
        int shift = switch (matcher.group(2)) {
            case "", "b" -> 0;
            case "k", "kb", "kib" -> 10;
            case "m", "mb", "mib" -> 20;
            default -> 30;
        };
        long number;
        try {
            number = Long.parseLong(matcher.group(1));
        } catch (NumberFormatException e) {
            number = Long.MAX_VALUE;
        }
        if (number < 1 || number > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is out of range; a size is at least one byte.");
        }
        return number << shift;
    }

    /**
     * A rate as a user writes it: {@code 300/min}, {@code 10/s}, {@code 1000/h}, or {@code off} for none.
     *
     * @throws IllegalArgumentException with a sentence, for anything else
     */
    public static Optional<RateLimiter.Rate> rate(String text) {
        String written = text.trim().toLowerCase(Locale.ROOT);
        if (written.equals("off")) {
            return Optional.empty();
        }
        Matcher matcher = RATE.matcher(written);
        if (!matcher.matches() || Integer.parseInt(matcher.group(1)) < 1) {
            throw new IllegalArgumentException("'" + text + "' is no rate; write a count per s, min or h, for"
                    + " example 300/min, or off.");
        }
        Duration per = switch (matcher.group(2)) {
            case "s", "sec", "second" -> Duration.ofSeconds(1);
            case "min", "minute" -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
        };
        return Optional.of(new RateLimiter.Rate(Integer.parseInt(matcher.group(1)), per));
    }

    /** A size as the sentences say it: {@code 1 MiB}, {@code 1 TiB}, {@code 1500 bytes}. */
    static String bytes(long size) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        long value = size;
        while (unit < units.length - 1 && value >= 1024 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return value + " " + units[unit];
    }
}
