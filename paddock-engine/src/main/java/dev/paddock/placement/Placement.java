package dev.paddock.placement;

import dev.paddock.model.Host;
import java.util.Map;

/** The answer of first placement: a host, or why no host can take the VM. */
public sealed interface Placement {

    /** Every host that was rejected, by host id, with the first filter that rejected it. */
    Map<String, Reject> rejections();

    /** The VM goes on {@code host}; {@code score} is its weighted score, other hosts' rejections are kept. */
    record Placed(Host host, int score, Map<String, Reject> rejections) implements Placement {
        public Placed {
            rejections = Map.copyOf(rejections);
        }
    }

    /** No host passed every filter. */
    record Unplaceable(Map<String, Reject> rejections) implements Placement {
        public Unplaceable {
            rejections = Map.copyOf(rejections);
        }
    }
}
