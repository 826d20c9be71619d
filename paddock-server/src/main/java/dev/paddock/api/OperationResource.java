package dev.paddock.api;

import dev.paddock.operation.OperationState;
import dev.paddock.operation.OperationView;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An Operation as the API shows it: the journal's view plus its progress and its own link. */
public record OperationResource(
        String id,
        String kind,
        String target,
        String owner,
        OperationState state,
        boolean isFinal,
        int stepsDone,
        int stepsTotal,
        double progress,
        Instant created,
        Instant updated,
        Optional<String> error,
        List<OperationView.StepView> steps,
        String href) {

    static OperationResource of(OperationView view) {
        return of(view, view.progress());
    }

    /** With {@code progress} as {@link dev.paddock.operation.Operations#progress} measures it. */
    static OperationResource of(OperationView view, double progress) {
        return new OperationResource(view.id(), view.kind(), view.target(), view.owner(), view.state(),
                view.state().isFinal(), view.stepsDone(), view.stepsTotal(), progress, view.created(),
                view.updated(), view.error(), view.steps(), location(view.id()));
    }

    static String location(String id) {
        return RestApi.BASE + "/operations/" + id;
    }
}
