package dev.paddock.inventory;

import dev.paddock.model.Vm;

/** One correction the inventory needs so that it equals what a host reports. */
public sealed interface InventoryChange
        permits InventoryChange.Update, InventoryChange.Unregistered, InventoryChange.Forget {

    /** The VM after the change, or the VM to remove. */
    Vm vm();

    /** A known VM whose state or host differs from what the host reports. */
    record Update(Vm vm, String reason) implements InventoryChange {}

    /** A domain on a managed host that Paddock never created: a rogue VM, recorded as UNREGISTERED. */
    record Unregistered(Vm vm) implements InventoryChange {}

    /** An unregistered VM whose domain has gone: it was never Paddock's, so it leaves the inventory. */
    record Forget(Vm vm) implements InventoryChange {}
}
