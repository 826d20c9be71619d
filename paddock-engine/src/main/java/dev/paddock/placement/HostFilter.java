package dev.paddock.placement;

import dev.paddock.model.Room;
import dev.paddock.model.Vm;

/** A hard rule: may {@code vm} go on {@code host}? Fast and pure; the engine runs the cheap ones first. */
public interface HostFilter {
    Verdict test(Vm vm, HostView host, Room room);
}
