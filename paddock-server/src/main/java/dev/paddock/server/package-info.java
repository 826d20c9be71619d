/**
 * Wiring: {@link dev.paddock.server.PaddockServer} builds store → hypervisor → inventory controller →
 * operations runner → HTTP (REST API and metrics) from a {@link dev.paddock.server.ServerConfig}, and
 * closes them in the reverse order. The runner and HA act only under the leader lease ({@link
 * dev.paddock.server.Leadership}): one active server per database (see README.md beside this file).
 *
 * <p>The hypervisor is a {@link dev.paddock.server.RoutingHypervisor}: hosts added at {@code sim://NAME} live in the
 * simulated room, hosts at {@code qemu+tcp://}, {@code qemu+ssh://}, {@code qemu+tls://} or {@code qemu:///} on
 * libvirt, made on the first such host. The inventory controller's changes feed
 * {@link dev.paddock.audit.RogueWatch}, which raises alarms and writes the audit log for rogue VMs.
 */
package dev.paddock.server;
