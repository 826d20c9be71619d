package dev.paddock.api;

import dev.paddock.operation.OperationView;
import dev.paddock.operation.Operations;
import dev.paddock.security.Permission;
import dev.paddock.store.Page;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.time.Duration;
import java.util.Optional;

/** Operations: list, read, cancel, and follow one as server-sent events until it is final. */
final class OperationRoutes {

    private static final Duration POLL = Duration.ofMillis(200);

    private final Operations operations;

    OperationRoutes(Operations operations) {
        this.operations = operations;
    }

    void register(SecuredRoutes routes) {
        String base = RestApi.BASE;
        routes.list(base + "/operations", Permission.OPERATION_READ, this::list);
        routes.get(base + "/operations/{id}", Permission.OPERATION_READ, ctx -> {
            OperationView view = operation(ctx);
            ctx.json(OperationResource.of(view, operations.progress(view)));
        });
        routes.post(base + "/operations/{id}/cancel", Permission.OPERATION_CANCEL, this::cancel);
        routes.get(base + "/operations/{id}/events", Permission.OPERATION_READ, this::events);
    }

    private void list(Context ctx) {
        Visible visible = Visible.to(ctx);
        Page<OperationView> page = visible.page(operations::list, visible::operation, Query.offset(ctx), Query.limit(ctx));
        ctx.json(new Page<>(page.items().stream().map(view -> OperationResource.of(view, operations.progress(view)))
                .toList(), page.total(), page.offset(),
                page.limit()));
    }

    private OperationView operation(Context ctx) {
        return operations.get(InventoryRoutes.id(ctx))
                .orElseThrow(() -> InventoryRoutes.missing("operation", ctx));
    }

    private void cancel(Context ctx) {
        OperationView view = operation(ctx);
        if (!operations.cancel(view.id())) {
            OperationView now = operations.get(view.id()).orElse(view);
            throw new PaddockException.Conflict("Operation '" + view.id() + "' is already "
                    + now.state().name().toLowerCase() + " and cannot be cancelled.");
        }
        VmRoutes.accepted(ctx, operations.get(view.id()).orElse(view));
    }

    /**
     * Sends the operation as an {@code operation} event now and at every change, then closes once it is
     * final. Unknown ids get the usual 404 problem before the stream starts.
     */
    private void events(Context ctx) throws Exception {
        String id = operation(ctx).id();
        new SseHandler(client -> follow(id, client)).handle(ctx);
    }

    private void follow(String id, SseClient client) {
        Optional<OperationView> last = Optional.empty();
        while (!client.terminated()) {
            Optional<OperationView> now = operations.get(id);
            if (now.isEmpty()) {
                break;
            }
            if (!now.equals(last)) {
                client.sendEvent("operation", OperationResource.of(now.get(), operations.progress(now.get())));
                last = now;
            }
            if (now.get().state().isFinal()) {
                break;
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        client.close();
    }
}
