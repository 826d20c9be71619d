package dev.paddock.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.paddock.json.Json;
import io.javalin.http.Context;
import java.util.stream.Collectors;

/**
 * Reads a request body into a request record, turning every way a body can be wrong into a
 * {@link PaddockException} whose message says where: Jackson's own messages name Java classes, which a
 * REST client has no use for.
 */
final class RequestBody {

    private RequestBody() {}

    static <T> T read(Context ctx, Class<T> type) {
        String body = ctx.body();
        if (body.isBlank()) {
            throw new PaddockException.BadRequest("The request body is empty; expected a JSON object.");
        }
        try {
            T value = Json.mapper().readValue(body, type);
            if (value == null) {
                throw new PaddockException.BadRequest("The request body is null; expected a JSON object.");
            }
            return value;
        } catch (ValueInstantiationException e) {
            // A request record's constructor refused a value: its message is already for the user.
            if (e.getCause() instanceof PaddockException paddock) {
                throw paddock;
            }
            throw new PaddockException.InvalidValue(sentence(rootMessage(e)));
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", "));
            throw new PaddockException.BadRequest("Unknown field '" + path(e, e.getPropertyName())
                    + "'; known fields are: " + known + ".");
        } catch (InvalidFormatException e) {
            throw new PaddockException.BadRequest("Field '" + path(e, "") + "' must be "
                    + expected(e.getTargetType()) + ", got " + e.getValue() + ".");
        } catch (MismatchedInputException e) {
            String field = path(e, "");
            if (field.isEmpty()) {
                throw new PaddockException.BadRequest("The request body must be a JSON object.");
            }
            throw new PaddockException.BadRequest("Field '" + field + "' must be " + expected(e.getTargetType())
                    + detailOf(e) + ".");
        } catch (DatabindException e) {
            throw new PaddockException.BadRequest("The request body does not fit: " + e.getOriginalMessage() + ".");
        } catch (JsonProcessingException e) {
            throw new PaddockException.BadRequest("Malformed JSON " + at(e.getLocation()) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse("") + ".");
        }
    }

    private static String at(JsonLocation location) {
        return location == null ? "in the body"
                : "at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String path(JsonMappingException e, String last) {
        String joined = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return joined.isEmpty() ? last : joined;
    }

    private static String detailOf(MismatchedInputException e) {
        String message = e.getOriginalMessage();
        // Our own deserializers report "x must be a whole number"; say it rather than a class name.
        if (message != null && message.contains(" must be ")) {
            return " (" + message + ")";
        }
        return "";
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? "invalid value" : root.getMessage();
    }

    private static String sentence(String message) {
        String capital = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return capital.endsWith(".") ? capital : capital + ".";
    }
}
