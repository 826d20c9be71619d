package dev.paddock.api;

import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import java.util.Optional;

/**
 * Chooses the host a new VM goes to. A seam for the placement engine: the API needs only an answer,
 * or none when no host of the VM's cluster can take it.
 */
public interface HostChooser {

    Optional<Host> choose(Vm vm, Room room);
}
