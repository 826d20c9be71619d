package dev.paddock.drs;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How a cluster balances itself.
 *
 * <p>Imbalance is the standard deviation of the hosts' CPU use, in percentage points (vSphere DRS weighs the same
 * figure), now and as forecast from the day before over the coming day (the root mean square of each window's).
 * Balancing starts when the imbalance now is above {@code threshold} or the forecast above half of it, then moves VMs
 * until the imbalance now is down to 80 % of the threshold and the forecast to 40 %: the band between is the
 * hysteresis that keeps noise from moving anything, and a room left below it is not pushed back over by the next
 * small swing. A move must take at least {@code moveGain} points off the two together: the forecast makes the moves
 * that last the day worth more than the ones a burst asks for.
 *
 * @param mode off, recommend (plans are shown, a person applies them) or automatic (plans run as operations)
 * @param threshold imbalance in points above which the cluster is balanced
 * @param minimumGain how many points a round of moves must take off the imbalance (now and forecast together) to be
 *     worth making; a round that gains less moves nothing
 * @param moveGain how many points each move must take off the imbalance, now and forecast together
 * @param maxMoves the most migrations one round makes
 * @param coolDown how long a VM that balancing moved stays where it went: no VM goes back and forth within it
 * @param migrationBytesPerSecond what the migration network carries, to price a move in seconds
 */
public record BalancingPolicy(Mode mode, double threshold, double minimumGain, double moveGain, int maxMoves,
        Duration coolDown, long migrationBytesPerSecond) {

    /**
     * Off until asked; a threshold of 10 points, rounds that gain at least 2 points and moves 1.5 each, at most 8
     * moves a round, 1 hour of cool-down, a 1 GbE migration network.
     */
    public static final BalancingPolicy DEFAULT = new BalancingPolicy(Mode.OFF, 10, 2, 1.5, 8, Duration.ofHours(1),
            125_000_000L);

    public enum Mode {
        OFF, RECOMMEND, AUTOMATIC;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The mode of a label, or empty. */
        public static java.util.Optional<Mode> of(String label) {
            for (Mode mode : values()) {
                if (mode.label().equals(label)) {
                    return java.util.Optional.of(mode);
                }
            }
            return java.util.Optional.empty();
        }
    }

    public BalancingPolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(coolDown, "coolDown");
        if (!(threshold > 0 && threshold <= 100)) {
            throw new IllegalArgumentException("the threshold is between 0 and 100 points, was " + threshold);
        }
        if (!(minimumGain >= 0 && minimumGain <= 100)) {
            throw new IllegalArgumentException("the minimum gain is between 0 and 100 points, was " + minimumGain);
        }
        if (!(moveGain > 0 && moveGain <= 100)) {
            throw new IllegalArgumentException("a move's gain is over 0 and at most 100 points, was " + moveGain);
        }
        if (maxMoves < 1) {
            throw new IllegalArgumentException("a round makes at least one move, not " + maxMoves);
        }
        if (coolDown.isNegative()) {
            throw new IllegalArgumentException("the cool-down is never negative");
        }
        if (migrationBytesPerSecond < 1) {
            throw new IllegalArgumentException("the migration network carries something");
        }
    }

    /** The imbalance now a round aims for once it starts: 80 % of the threshold. */
    public double target() {
        return threshold * 0.8;
    }

    /** The forecast imbalance above which a round starts: half the threshold. */
    public double forecastThreshold() {
        return threshold / 2;
    }

    /** The forecast imbalance a round aims for once it starts. */
    public double forecastTarget() {
        return threshold * 0.4;
    }

    public BalancingPolicy withMode(Mode newMode) {
        return new BalancingPolicy(newMode, threshold, minimumGain, moveGain, maxMoves, coolDown,
                migrationBytesPerSecond);
    }
}
