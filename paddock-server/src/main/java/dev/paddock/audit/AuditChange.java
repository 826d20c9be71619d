package dev.paddock.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.ha.FenceDevice;
import dev.paddock.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a change did, for the audit log: the subject before and after (either empty for a creation or a removal),
 * as the API shows it. Whatever the values, a field named like a secret ({@link FenceDevice#isSecret}) is written as
 * {@value #REDACTED}, so a password cannot reach the log even through a caller that forgot to mask it.
 */
public record AuditChange(Optional<Object> before, Optional<Object> after) {

    public static final String REDACTED = "(set)";

    public static AuditChange of(Object before, Object after) {
        return new AuditChange(Optional.of(before), Optional.of(after));
    }

    public static AuditChange removed(Object before) {
        return new AuditChange(Optional.of(before), Optional.empty());
    }

    public static AuditChange created(Object after) {
        return new AuditChange(Optional.empty(), Optional.of(after));
    }

    /** {@code {"before":...,"after":...}}, secrets redacted. */
    public String json() {
        ObjectNode node = Json.mapper().createObjectNode();
        node.set("before", before.map(value -> redacted(Json.mapper().valueToTree(value)))
                .orElse(Json.mapper().nullNode()));
        node.set("after", after.map(value -> redacted(Json.mapper().valueToTree(value)))
                .orElse(Json.mapper().nullNode()));
        return node.toString();
    }

    private static JsonNode redacted(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = object.get(name);
                if (FenceDevice.isSecret(name) && value.isValueNode() && !value.isNull()) {
                    object.put(name, REDACTED);
                } else {
                    redacted(value);
                }
            }
        } else if (node.isArray()) {
            node.forEach(AuditChange::redacted);
        }
        return node;
    }
}
