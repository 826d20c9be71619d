package dev.paddock.monitoring;

import java.time.Duration;
import java.time.Instant;

/**
 * A threshold: an alarm is raised for each subject in {@code scope} whose {@code metric} is {@code comparison}
 * {@code value} for {@code duration} on end, and cleared when it no longer is.
 */
public record ThresholdRule(String id, String name, Metric metric, Scope scope, Comparison comparison, double value,
        Duration duration, String owner, Instant created) {

    /** Above or below the value. */
    public enum Comparison {
        ABOVE(">"), BELOW("<");

        private final String symbol;

        Comparison(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        public boolean holds(double reading, double value) {
            return this == ABOVE ? reading > value : reading < value;
        }

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ThresholdRule {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a threshold's duration cannot be negative: " + duration);
        }
        if (!scope.fits(metric.subject())) {
            throw new IllegalArgumentException("a " + scope.kind().key() + " scope holds no "
                    + metric.subject().name().toLowerCase(java.util.Locale.ROOT) + " for " + metric.key());
        }
    }

    /** The condition as a person reads it: "host.cpu_percent > 90 for 300 s". */
    public String condition() {
        return metric.key() + " " + comparison.symbol() + " " + Readings.format(value) + " for " + duration.toSeconds()
                + " s";
    }
}
