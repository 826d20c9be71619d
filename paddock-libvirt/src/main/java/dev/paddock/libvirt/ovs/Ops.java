package dev.paddock.libvirt.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The operations of an OVSDB transaction (RFC 7047 §5.2) and the values they carry (§5.1: a UUID is
 * {@code ["uuid", "…"]}, a row inserted earlier in the same transaction {@code ["named-uuid", "…"]}, a set
 * {@code ["set", [...]]}).
 */
public final class Ops {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Ops() {}

    /** The rows of {@code table} whose {@code column} equals {@code value}, with the columns named. */
    public static ObjectNode select(String table, String column, JsonNode value, String... columns) {
        ObjectNode op = NODES.objectNode().put("op", "select").put("table", table);
        op.set("where", NODES.arrayNode().add(condition(column, "==", value)));
        ArrayNode wanted = op.putArray("columns");
        for (String name : columns) {
            wanted.add(name);
        }
        return op;
    }

    /** Every row of {@code table}, with the columns named. */
    public static ObjectNode selectAll(String table, String... columns) {
        ObjectNode op = NODES.objectNode().put("op", "select").put("table", table);
        op.putArray("where");
        ArrayNode wanted = op.putArray("columns");
        for (String name : columns) {
            wanted.add(name);
        }
        return op;
    }

    /** A new row of {@code table}, known to the rest of the transaction as {@code name}. */
    public static ObjectNode insert(String table, ObjectNode row, String name) {
        ObjectNode op = NODES.objectNode().put("op", "insert").put("table", table).put("uuid-name", name);
        op.set("row", row);
        return op;
    }

    /** Adds {@code value} to set column {@code column} of the rows of {@code table} whose {@code key} is {@code is}. */
    public static ObjectNode addTo(String table, String key, JsonNode is, String column, JsonNode value) {
        return mutate(table, key, is, column, "insert", value);
    }

    /** Removes {@code value} from set column {@code column} of those rows. */
    public static ObjectNode removeFrom(String table, String key, JsonNode is, String column, JsonNode value) {
        return mutate(table, key, is, column, "delete", value);
    }

    /** Sets {@code row}'s columns on the rows of {@code table} whose {@code key} is {@code is}. */
    public static ObjectNode update(String table, String key, JsonNode is, ObjectNode row) {
        ObjectNode op = NODES.objectNode().put("op", "update").put("table", table);
        op.set("where", NODES.arrayNode().add(condition(key, "==", is)));
        op.set("row", row);
        return op;
    }

    /** Deletes the rows of {@code table} whose {@code key} is {@code is}. */
    public static ObjectNode delete(String table, String key, JsonNode is) {
        ObjectNode op = NODES.objectNode().put("op", "delete").put("table", table);
        op.set("where", NODES.arrayNode().add(condition(key, "==", is)));
        return op;
    }

    public static JsonNode text(String value) {
        return NODES.textNode(value);
    }

    public static JsonNode uuid(String uuid) {
        return NODES.arrayNode().add("uuid").add(uuid);
    }

    public static JsonNode named(String name) {
        return NODES.arrayNode().add("named-uuid").add(name);
    }

    /** A set of atoms: UUIDs, named UUIDs, strings. */
    public static JsonNode set(List<JsonNode> members) {
        ArrayNode items = NODES.arrayNode();
        members.forEach(items::add);
        return NODES.arrayNode().add("set").add(items);
    }

    public static ObjectNode row() {
        return NODES.objectNode();
    }

    /** The UUID of a row a select or an insert answered. */
    public static String uuidOf(JsonNode row) {
        JsonNode uuid = row.has("uuid") ? row.get("uuid") : row.path("_uuid");
        return uuid.path(1).asText();
    }

    private static ObjectNode mutate(String table, String key, JsonNode is, String column, String mutator,
                                     JsonNode value) {
        ObjectNode op = NODES.objectNode().put("op", "mutate").put("table", table);
        op.set("where", NODES.arrayNode().add(condition(key, "==", is)));
        op.set("mutations", NODES.arrayNode().add(NODES.arrayNode().add(column).add(mutator).add(value)));
        return op;
    }

    private static ArrayNode condition(String column, String function, JsonNode value) {
        return NODES.arrayNode().add(column).add(function).add(value);
    }

    /** The UUIDs of an OVSDB value that is one UUID ({@code ["uuid", u]}) or a set of them. */
    public static List<String> uuids(JsonNode value) {
        List<String> uuids = new java.util.ArrayList<>();
        if (value.path(0).asText().equals("uuid")) {
            uuids.add(value.path(1).asText());
        } else if (value.path(0).asText().equals("set")) {
            value.path(1).forEach(member -> uuids.add(member.path(1).asText()));
        }
        return uuids;
    }
}
