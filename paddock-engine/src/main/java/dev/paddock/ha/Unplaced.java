package dev.paddock.ha;

import java.util.List;

/**
 * A protected VM of a failed host that the plan could not restart, with why in one sentence and every host's
 * rejection behind it.
 */
public record Unplaced(String vmId, String vmName, String fromHostId, String reason,
        List<RestartFilter.Rejection> rejections) {
    public Unplaced {
        rejections = List.copyOf(rejections);
    }
}
