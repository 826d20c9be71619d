/** Paddock: an agentless manager for a room of virtualized servers. */
package dev.paddock;
