package dev.paddock.ha;

import dev.paddock.model.PowerState;
import java.time.Duration;
import java.util.List;

/**
 * What a fence agent answered. Only {@link Done} for {@link FenceAction#OFF} or a {@link Power} of OFF confirm a
 * fence.
 */
public sealed interface FenceOutcome
        permits FenceOutcome.Done, FenceOutcome.Power, FenceOutcome.Plugs, FenceOutcome.Failed,
                FenceOutcome.TimedOut {

    FenceAction action();

    /** The agent did it (off, on, reboot) or the device answers (monitor). */
    record Done(FenceAction action, String output) implements FenceOutcome {}

    /** The answer to a status action. */
    record Power(FenceAction action, PowerState state) implements FenceOutcome {}

    /** The answer to a list action. */
    record Plugs(FenceAction action, List<Plug> plugs) implements FenceOutcome {
        public Plugs {
            plugs = List.copyOf(plugs);
        }
    }

    /** One fenceable thing behind a device: its plug id and the alias the device gives it. */
    record Plug(String id, String alias) {}

    /** The agent could not do it, could not run, or said something that makes no sense; its stderr is kept. */
    record Failed(FenceAction action, int exitCode, String error) implements FenceOutcome {}

    /** The agent did not finish in time and was killed: nothing is known. */
    record TimedOut(FenceAction action, Duration after, String error) implements FenceOutcome {}

    /** True when this outcome proves the host is powered off. */
    default boolean confirmsOff() {
        return switch (this) {
            case Done done -> done.action() == FenceAction.OFF;
            case Power power -> power.state() == PowerState.OFF;
            default -> false;
        };
    }
}
