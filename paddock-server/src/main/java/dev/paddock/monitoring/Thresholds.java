package dev.paddock.monitoring;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The thresholds the server keeps, and the alarm each holds raised per subject. */
public interface Thresholds {

    List<ThresholdRule> list();

    Optional<ThresholdRule> get(String id);

    Optional<ThresholdRule> byName(String name);

    /** Stores a new rule; a name in use is a {@link dev.paddock.store.DuplicateNameException}. */
    void put(ThresholdRule rule);

    /** Removes a rule and its record of raised alarms; false when there was none of that id. */
    boolean remove(String id);

    /** An alarm a threshold holds raised for a subject. */
    record Raised(String alarmId, Instant at) {}

    /** Every alarm the thresholds hold raised, by rule and subject. */
    Map<ThresholdEvaluator.Key, Raised> raised();

    void markRaised(ThresholdEvaluator.Key key, Raised raised);

    void markCleared(ThresholdEvaluator.Key key);
}
