/**
 * Wiring: {@link dev.paddock.server.PaddockServer} builds store → hypervisor → inventory controller →
 * operations runner → HTTP (REST API and metrics) from a {@link dev.paddock.server.ServerConfig}, and
 * closes them in the reverse order.
 */
package dev.paddock.server;
