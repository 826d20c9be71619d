package dev.paddock.sim;

import dev.paddock.hypervisor.DomainBuilder;
import java.time.Duration;
import java.util.Objects;

/**
 * Something that goes wrong in the simulated room, injected by a test or the demo with
 * {@link SimulatedHypervisor#inject(Fault)} and undone with {@link SimulatedHypervisor#heal(Fault)}.
 * Hosts are named by their sim hostname, the {@code <hostname>} of {@code sim://<hostname>}.
 */
public sealed interface Fault
        permits Fault.HostCrash, Fault.HostPowerOn, Fault.HostIsolation, Fault.DomainCrash, Fault.GuestHang,
                Fault.StorageLoss, Fault.SlowCalls, Fault.FailingCalls {

    /**
     * The host loses power: it cannot be reached, its running domains crash (they stay defined and show as
     * CRASHED once it is back). The manager hears a DISCONNECTED host event and nothing else: no one hears
     * from a dead host. Healing it is a {@link HostPowerOn}.
     */
    record HostCrash(String host) implements Fault {
        public HostCrash {
            Objects.requireNonNull(host, "host");
        }
    }

    /** A crashed host boots again: reachable, CONNECTED, its crashed domains still stopped. */
    record HostPowerOn(String host) implements Fault {
        public HostPowerOn {
            Objects.requireNonNull(host, "host");
        }
    }

    /**
     * The host is cut from the management network: calls on it fail UNREACHABLE, its events are lost, but its
     * domains keep running (what HA must not mistake for a crash). Healing it reconnects the host.
     */
    record HostIsolation(String host) implements Fault {
        public HostIsolation {
            Objects.requireNonNull(host, "host");
        }
    }

    /** One guest crashes (a QEMU crash): the domain shows CRASHED and a CRASHED event is sent. */
    record DomainCrash(String host, String uuid) implements Fault {
        public DomainCrash {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(uuid, "uuid");
        }
    }

    /**
     * A guest's OS hangs: the domain keeps running, but nothing inside it feeds its watchdog any more. If the domain
     * has a watchdog device, it fires {@code timeout} later (the timeout the guest armed it with): the hypervisor
     * sends a WATCHDOG_FIRED event and takes the device's action (a reset boots a fresh OS, which ends the hang).
     * Without a device, nobody outside can tell. Healing it is the guest coming back by itself before the timeout.
     */
    record GuestHang(String host, String uuid, Duration timeout) implements Fault {
        public GuestHang {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(uuid, "uuid");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("a watchdog timeout must be positive");
            }
        }
    }

    /**
     * A datastore goes away: every disk whose path starts with {@code pathPrefix} fails. Running guests that use
     * one pause on the I/O error (a SUSPENDED event, as QEMU does with {@code werror=stop}); such a domain cannot
     * start or resume (FAILED) until healed. Healing brings the storage back; paused guests wait to be resumed.
     * {@link DomainBuilder#datastorePath} gives the prefix of a datastore's disks.
     */
    record StorageLoss(String pathPrefix) implements Fault {
        public StorageLoss {
            if (pathPrefix == null || pathPrefix.isBlank()) {
                throw new IllegalArgumentException("a storage loss needs the path prefix of the lost disks");
            }
        }
    }

    /** Every call of {@code kind} takes {@code duration} on the sim clock before it acts, until healed. */
    record SlowCalls(CallKind kind, Duration duration) implements Fault {
        public SlowCalls {
            Objects.requireNonNull(kind, "kind");
            if (duration.isNegative()) {
                throw new IllegalArgumentException("a call cannot take a negative time");
            }
        }
    }

    /** The next {@code count} calls of {@code kind} fail with FAILED, without effect. */
    record FailingCalls(CallKind kind, int count) implements Fault {
        public FailingCalls {
            Objects.requireNonNull(kind, "kind");
            if (count < 1) {
                throw new IllegalArgumentException("at least one call must fail");
            }
        }
    }
}
