package dev.paddock.api;

import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.util.List;

/**
 * Chooses the host a new VM goes to. A seam for the placement engine: the API needs a host, or the
 * reasons no host of the VM's cluster can take it, which it hands to the user as they are.
 */
public interface HostChooser {

    Placement choose(Vm vm, Room room);

    /** The answer: a host, or why not. */
    sealed interface Placement permits Placed, Unplaceable {}

    record Placed(Host host) implements Placement {}

    /** @param reasons one short clause per host considered, such as "h1 has 384 MiB of memory free" */
    record Unplaceable(List<String> reasons) implements Placement {
        public Unplaceable {
            reasons = List.copyOf(reasons);
        }
    }
}
