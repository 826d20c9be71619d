package dev.paddock.api;

import dev.paddock.model.Host;
import dev.paddock.model.Room;
import dev.paddock.model.Vm;
import dev.paddock.placement.Placement;
import dev.paddock.placement.Reject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a create or a migration would do, answered without doing it ({@code ?dryRun=true}): the host the placement
 * engine would choose, with its score, and every other host it looked at with the filter that ruled it out. When
 * nothing fits, {@code sentence} is the refusal the real request would get (409), word for word.
 *
 * @param action {@code create} or {@code migrate}
 * @param feasible true when the request would be accepted
 * @param host the host it would go to, empty when none
 * @param ruledOut the hosts considered and ruled out, in the room's order
 */
record DryRun(String action, String vm, boolean feasible, Optional<Chosen> host, List<RuledOut> ruledOut,
        Optional<String> sentence) {

    /** The host the engine would choose. */
    record Chosen(String id, String name, int score) {}

    /** A host ruled out, by which filter, and why, in the words of the refusal. */
    record RuledOut(String id, String name, String filter, String reason) {}

    /**
     * The answer for {@code placement} of {@code vm} among the hosts {@code considered}; {@code refusal} is what the
     * real request would say when it would be refused after placement (admission control), empty otherwise.
     */
    static DryRun of(String action, Room room, Vm vm, Predicate<Host> considered, Placement placement,
            Optional<String> refusal) {
        List<RuledOut> ruledOut = new ArrayList<>();
        for (Host host : room.hosts()) {
            Reject reject = placement.rejections().get(host.id());
            if (reject != null && considered.test(host)) {
                ruledOut.add(new RuledOut(host.id(), host.name(), reject.filter(), reject.describe()));
            }
        }
        return switch (placement) {
            case Placement.Placed placed -> new DryRun(action, vm.name(), refusal.isEmpty(),
                    Optional.of(new Chosen(placed.host().id(), placed.host().name(), placed.score())), ruledOut,
                    refusal);
            case Placement.Unplaceable none -> new DryRun(action, vm.name(), false, Optional.empty(), ruledOut,
                    Optional.of(refusal.orElseGet(() -> none.explain(room, vm))));
        };
    }
}
