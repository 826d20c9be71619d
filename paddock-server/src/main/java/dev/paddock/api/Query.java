package dev.paddock.api;

import io.javalin.http.Context;

/** Typed reads of query parameters, failing with a 400 that names the parameter. */
final class Query {

    /** The most items one page may hold; a larger limit is capped, not refused. */
    static final int MAX_LIMIT = 1000;
    static final int DEFAULT_LIMIT = 100;

    private Query() {}

    static int offset(Context ctx) {
        return nonNegative(ctx, "offset", 0);
    }

    static int limit(Context ctx) {
        int limit = nonNegative(ctx, "limit", DEFAULT_LIMIT);
        return Math.min(limit, MAX_LIMIT);
    }

    static boolean flag(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return false;
        }
        return switch (raw) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new PaddockException.BadRequest(
                    "Query parameter '" + name + "' must be true or false; got '" + raw + "'.");
        };
    }

    static int nonNegative(Context ctx, String name, int absent) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return absent;
        }
        int value;
        try {
            value = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new PaddockException.BadRequest(
                    "Query parameter '" + name + "' must be a whole number; got '" + raw + "'.");
        }
        if (value < 0) {
            throw new PaddockException.BadRequest(
                    "Query parameter '" + name + "' must not be negative; got " + value + ".");
        }
        return value;
    }
}
