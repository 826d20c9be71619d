package dev.paddock.model;

import java.util.Optional;

/**
 * How far a VM's vCPUs and memory may grow while it runs (vCenter's "CPU Hot Add" and "Memory Hot Plug" limits). A
 * VM without a maximum of one of them changes it only when stopped. The maxima themselves are part of the domain's
 * shape (its vCPU slots and memory slots), so they change only while the VM is stopped.
 *
 * <p>Jackson reads the record through its canonical constructor: a journal or row written before maxima existed
 * gives {@code null}, read here as none.
 *
 * @param vcpus the most vCPUs it may run with, empty for no vCPU hot-plug
 * @param memoryMib the most memory it may run with, empty for no memory hot-plug
 */
public record Maxima(Optional<Integer> vcpus, Optional<Long> memoryMib) {

    /** No hot-plug: vCPUs and memory change only while the VM is stopped. */
    public static final Maxima NONE = new Maxima(Optional.empty(), Optional.empty());

    public Maxima {
        vcpus = vcpus == null ? Optional.empty() : vcpus;
        memoryMib = memoryMib == null ? Optional.empty() : memoryMib;
        if (vcpus.filter(most -> most < 1).isPresent()) {
            throw new IllegalArgumentException("a maximum of vCPUs is at least 1, not " + vcpus.get());
        }
        if (memoryMib.filter(most -> most < 1).isPresent()) {
            throw new IllegalArgumentException("a maximum of memory is at least 1 MiB, not " + memoryMib.get());
        }
    }
}
