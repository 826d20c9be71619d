package dev.paddock.monitoring;

import java.util.OptionalDouble;

/** The latest value of each metric of each subject, as the sampler last saw it; empty when it has none. */
@FunctionalInterface
public interface Readings {

    OptionalDouble of(Metric metric, String subjectId);

    /** A value as sentences show it: at most one decimal, no trailing ".0". */
    static String format(double value) {
        double rounded = Math.round(value * 10) / 10.0;
        return rounded == Math.rint(rounded) ? String.valueOf((long) rounded) : String.valueOf(rounded);
    }
}
