package dev.paddock.hypervisor;

/**
 * A libvirt network as one host holds it.
 *
 * @param forwardMode libvirt's {@code <forward mode>} ("bridge", "nat", "route", ...), empty for an isolated network
 * @param bridge the host's bridge device the network's ports join, empty when libvirt names none
 * @param active true while it is started
 */
public record HostNetwork(String name, String uuid, String forwardMode, String bridge, boolean active) {}
