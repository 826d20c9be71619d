package dev.paddock.hypervisor;

import dev.paddock.model.VmState;

/** A domain as a host reports it. {@code persistent} is false for a transient (create-only) domain. */
public record DomainInfo(
        String uuid, String name, String hostId, VmState state, int vcpus, long memoryMib, boolean persistent) {}
