package dev.paddock.ha;

import java.util.Locale;

/** The actions of the fence-agents protocol, as written on the agent's standard input ({@code action=off}). */
public enum FenceAction {
    OFF,
    ON,
    REBOOT,
    /** Power state: exit 0 when on, 2 when off, 1 on error. */
    STATUS,
    /** Whether the fence device itself answers. */
    MONITOR,
    /** The plugs (outlets, VMs, blades) the device can fence, one {@code plug,alias} line each. */
    LIST;

    public String protocolName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
