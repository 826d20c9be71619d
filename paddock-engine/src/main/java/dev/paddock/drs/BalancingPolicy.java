package dev.paddock.drs;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How a cluster balances itself.
 *
 * <p>Imbalance is the standard deviation of the hosts' CPU use, in percentage points (vSphere DRS weighs the same
 * figure). Balancing starts only above {@code threshold}, then moves VMs until the imbalance is down to half of it:
 * the band between the two is the hysteresis that keeps noise from moving anything, and a room left at half the
 * threshold is not pushed back over it by the next small swing.
 *
 * @param mode off, recommend (plans are shown, a person applies them) or automatic (plans run as operations)
 * @param threshold imbalance in points above which the cluster is balanced
 * @param minimumGain how many points a round of moves must take off the imbalance to be worth making; a round that
 *     gains less moves nothing
 * @param maxMoves the most migrations one round makes
 * @param coolDown how long a VM that balancing moved stays where it went: no VM goes back and forth within it
 * @param migrationBytesPerSecond what the migration network carries, to price a move in seconds
 */
public record BalancingPolicy(Mode mode, double threshold, double minimumGain, int maxMoves, Duration coolDown,
        long migrationBytesPerSecond) {

    /** Off until asked; a threshold of 10 points, 1 hour of cool-down, a 1 GbE migration network. */
    public static final BalancingPolicy DEFAULT = new BalancingPolicy(Mode.OFF, 10, 5, 8, Duration.ofHours(1),
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

    /** The imbalance a round aims for once it starts: half the threshold. */
    public double target() {
        return threshold / 2;
    }

    public BalancingPolicy withMode(Mode newMode) {
        return new BalancingPolicy(newMode, threshold, minimumGain, maxMoves, coolDown, migrationBytesPerSecond);
    }
}
