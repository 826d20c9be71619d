package dev.paddock.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.store.InventoryStore;
import dev.paddock.store.InventoryStore.VmFilter;
import dev.paddock.store.InventoryStore.VmKey;
import dev.paddock.store.Page;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The VM list that stays fast with 100,000 VMs: a search by name, a filter on origin, and pages that go on from a
 * cursor (the last VM's place in the (name, id) order) instead of an offset, so the thousandth page costs what the
 * first does. A request with none of {@code search}, {@code origin}, {@code cursor} is the offset page it always was.
 *
 * @param nextCursor where the next page starts; absent on the last page
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
record VmListing(List<Vm> items, long total, int offset, int limit, Optional<String> nextCursor) {

    /** The longest search a request may send. */
    static final int MAX_SEARCH = 255;

    /**
     * Whether the request asks for a keyset page rather than an offset one: a search, even an empty one (every VM,
     * with a {@code nextCursor}: the web UI's list reads on from it), an origin or a cursor.
     */
    static boolean asked(Context ctx) {
        return ctx.queryParam("search") != null || present(ctx, "origin") || present(ctx, "cursor");
    }

    /** The page the request asks for, of the VMs its caller may see. */
    static VmListing of(Context ctx, InventoryStore store) {
        if (present(ctx, "offset") && Query.offset(ctx) != 0) {
            throw new PaddockException.BadRequest("Query parameter 'offset' cannot be used with 'search', 'origin' or"
                    + " 'cursor': these pages go on from 'nextCursor'.");
        }
        VmFilter filter = new VmFilter(search(ctx), origin(ctx));
        Optional<VmKey> after = present(ctx, "cursor") ? Optional.of(decode(ctx.queryParam("cursor")))
                : Optional.empty();
        int limit = Query.limit(ctx);
        Visible visible = Visible.to(ctx);
        if (visible.everything()) {
            // one more than asked tells whether a next page exists
            Page<Vm> page = store.vmsAfter(filter, after, limit + 1);
            return of(page.items(), page.total(), limit);
        }
        // the page from the cursor on, then the count from the start: both in the store's own order of names
        List<Vm> seen = new ArrayList<>();
        walk(store, filter, after, vm -> {
            if (visible.vm(vm)) {
                seen.add(vm);
            }
            return seen.size() <= limit;
        });
        long[] total = {0};
        walk(store, filter, Optional.empty(), vm -> {
            total[0] += visible.vm(vm) ? 1 : 0;
            return true;
        });
        return of(seen, total[0], limit);
    }

    /** Reads the VMs {@code filter} keeps from after {@code from}, a batch at a time, while {@code more} asks. */
    private static void walk(InventoryStore store, VmFilter filter, Optional<VmKey> from,
            java.util.function.Predicate<Vm> more) {
        Optional<VmKey> at = from;
        while (true) {
            List<Vm> batch = store.vmsAfter(filter, at, Query.MAX_LIMIT).items();
            for (Vm vm : batch) {
                if (!more.test(vm)) {
                    return;
                }
            }
            if (batch.size() < Query.MAX_LIMIT) {
                return;
            }
            at = Optional.of(VmKey.of(batch.getLast()));
        }
    }

    private static VmListing of(List<Vm> found, long total, int limit) {
        List<Vm> items = found.size() > limit ? found.subList(0, limit) : found;
        Optional<String> next = found.size() > limit && !items.isEmpty()
                ? Optional.of(encode(VmKey.of(items.getLast()))) : Optional.empty();
        return new VmListing(List.copyOf(items), total, 0, limit, next);
    }

    private static String search(Context ctx) {
        String search = Optional.ofNullable(ctx.queryParam("search")).orElse("").strip();
        if (search.length() > MAX_SEARCH) {
            throw new PaddockException.BadRequest("Query parameter 'search' must be at most " + MAX_SEARCH
                    + " characters; got " + search.length() + ".");
        }
        return search;
    }

    private static Optional<VmOrigin> origin(Context ctx) {
        String raw = ctx.queryParam("origin");
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(VmOrigin.valueOf(raw.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new PaddockException.BadRequest("Query parameter 'origin' must be one of managed, unregistered,"
                    + " quarantined; got '" + raw + "'.");
        }
    }

    static String encode(VmKey key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((key.name() + "\u0000" + key.id())
                .getBytes(StandardCharsets.UTF_8));
    }

    static VmKey decode(String cursor) {
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = "";
        }
        int split = decoded.indexOf('\u0000');
        if (split <= 0 || split == decoded.length() - 1) {
            throw new PaddockException.BadRequest("Query parameter 'cursor' must be a 'nextCursor' this server"
                    + " answered; got '" + cursor + "'.");
        }
        return new VmKey(decoded.substring(0, split), decoded.substring(split + 1));
    }

    private static boolean present(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        return raw != null && !raw.isEmpty();
    }
}
