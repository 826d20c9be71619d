package dev.paddock.audit;

import dev.paddock.inventory.InventoryChange;
import dev.paddock.model.Vm;
import java.time.Clock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the inventory controller finds into alarms and audit entries: a domain on a managed host that Paddock
 * did not make raises a {@value #UNREGISTERED} alarm and is written to the audit log; an unregistered VM whose
 * domain went away is written to the log too. Runs on the controller's thread, so it only writes two rows.
 */
public final class RogueWatch implements Consumer<InventoryChange> {

    public static final String UNREGISTERED = "vm.unregistered";
    public static final String ACTOR = "inventory";
    private static final Logger LOG = LoggerFactory.getLogger(RogueWatch.class);

    private final Oversight oversight;
    private final Clock clock;

    public RogueWatch(Oversight oversight, Clock clock) {
        this.oversight = oversight;
        this.clock = clock;
    }

    @Override
    public void accept(InventoryChange change) {
        try {
            switch (change) {
                case InventoryChange.Unregistered rogue -> {
                    Vm vm = rogue.vm();
                    String where = vm.hostId().orElse("?");
                    String message = "VM '" + vm.name() + "' (" + vm.id() + ") runs on host " + where
                            + " but was not created by Paddock: adopt it or quarantine it";
                    oversight.alarms().raise(UNREGISTERED, vm.id(), message, clock.instant());
                    oversight.audit().append(ACTOR, UNREGISTERED, vm.id(), "found " + vm.name() + " on host " + where
                            + " in state " + vm.state(), clock.instant());
                }
                case InventoryChange.Forget forget -> oversight.audit().append(ACTOR, "vm.gone", forget.vm().id(),
                        "unregistered VM " + forget.vm().name() + " is no longer on its host", clock.instant());
                case InventoryChange.Update ignored -> { }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not record {} for VM {}: {}", change.getClass().getSimpleName(), change.vm().id(),
                    e.getMessage());
        }
    }
}
