package dev.paddock.placement;

import dev.paddock.model.Room;
import dev.paddock.model.Vm;

/** A preference among hosts that passed every filter: 0 (worst) to 100 (best). */
public interface HostScorer {
    int score(Vm vm, HostView host, Room room);
}
