package dev.paddock.operation;

import java.util.Optional;

/**
 * The step that undoes a done step when its operation is cancelled or fails. Destructive steps
 * (power off, undefine, forget) have none: what they removed is not in the step to put back.
 * Replacing a VM's record is undone by forgetting it, which is right for the create flows that record.
 */
public final class Compensation {

    private Compensation() {}

    public static Optional<Step> of(Step step) {
        return switch (step) {
            case Step.RecordVm record -> Optional.of(new Step.ForgetVm(record.vm().id()));
            case Step.DefineVm define -> Optional.of(new Step.UndefineVm(define.hostId(), define.spec().uuid()));
            case Step.StartVm start -> Optional.of(new Step.DestroyVm(start.hostId(), start.vmId()));
            case Step.MigrateVm migrate ->
                    Optional.of(new Step.MigrateVm(migrate.vmId(), migrate.toHostId(), migrate.fromHostId()));
            case Step.ShutdownVm ignored -> Optional.empty();
            case Step.DestroyVm ignored -> Optional.empty();
            case Step.UndefineVm ignored -> Optional.empty();
            case Step.ForgetVm ignored -> Optional.empty();
        };
    }
}
