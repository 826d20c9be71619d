package dev.paddock.model;

/** A virtual network interface of a VM, attached to a Paddock network. */
public record Nic(String networkId, String mac) {
    public Nic {
        Ids.require(networkId, "nic network id");
        mac = mac == null ? "" : mac;
    }
}
