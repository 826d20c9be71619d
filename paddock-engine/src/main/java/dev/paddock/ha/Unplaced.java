package dev.paddock.ha;

import dev.paddock.placement.Reject;
import java.util.Map;

/**
 * A protected VM of a failed host that the plan could not restart, with why in one sentence and every host's
 * rejection behind it.
 */
public record Unplaced(String vmId, String vmName, String fromHostId, String reason,
        Map<String, Reject> rejections) {
    public Unplaced {
        rejections = Map.copyOf(rejections);
    }
}
