package dev.paddock.operation.plan;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.model.Vm;

/**
 * One idempotent action of an Operation. Planners emit steps; the server's runner journals each one
 * before it acts and checks the real state first, so a step run twice after a crash has its effect once.
 *
 * <p>Steps are plain values so that the journal can persist them and a restarted server can read them
 * back. Add a step by adding a record here and a case to the runner's switch; the compiler finds the rest.
 */
public sealed interface Step
        permits Step.RecordVm,
                Step.DefineVm,
                Step.StartVm,
                Step.ShutdownVm,
                Step.DestroyVm,
                Step.UndefineVm,
                Step.MigrateVm,
                Step.ForgetVm,
                Step.QuarantineVm {

    /** A short human sentence for progress displays and the audit log. */
    String describe();

    /** Writes the VM into the inventory (insert or replace), before anything exists on a host. */
    record RecordVm(Vm vm) implements Step {
        public String describe() {
            return "record VM " + vm.name() + " in inventory";
        }
    }

    /** Defines the domain on a host; already defined with the same UUID means done. */
    record DefineVm(String hostId, DomainSpec spec) implements Step {
        public String describe() {
            return "define " + spec.name() + " on " + hostId;
        }
    }

    /** Starts the domain; already running means done. */
    record StartVm(String hostId, String vmId) implements Step {
        public String describe() {
            return "start VM " + vmId + " on " + hostId;
        }
    }

    /** Asks the guest to shut down and waits up to {@code timeoutSeconds}, then powers it off. */
    record ShutdownVm(String hostId, String vmId, int timeoutSeconds) implements Step {
        public String describe() {
            return "shut down VM " + vmId + " on " + hostId;
        }
    }

    /** Powers the domain off at once; not running means done. */
    record DestroyVm(String hostId, String vmId) implements Step {
        public String describe() {
            return "power off VM " + vmId + " on " + hostId;
        }
    }

    /** Removes the domain's definition from a host; unknown means done. */
    record UndefineVm(String hostId, String vmId) implements Step {
        public String describe() {
            return "undefine VM " + vmId + " on " + hostId;
        }
    }

    /** Live-migrates the domain; already running on the destination means done. */
    record MigrateVm(String vmId, String fromHostId, String toHostId) implements Step {
        public String describe() {
            return "migrate VM " + vmId + " from " + fromHostId + " to " + toHostId;
        }
    }

    /**
     * Pauses a domain Paddock did not make and cuts its NICs' links; already paused means done. Never undone by a
     * rollback: releasing a rogue VM is a person's decision.
     */
    record QuarantineVm(String hostId, String vmId) implements Step {
        public String describe() {
            return "quarantine VM " + vmId + " on " + hostId + " (pause, NIC links down)";
        }
    }

    /** Removes the VM from the inventory; absent means done. */
    record ForgetVm(String vmId) implements Step {
        public String describe() {
            return "remove VM " + vmId + " from inventory";
        }
    }
}
