package dev.paddock.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.json.Json;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates requests for the routes a server holds from one seeded {@link Random}: bodies from the OpenAPI document's
 * request schemas (valid values, ids of the room's objects, and every way a value can be wrong), odd ids in path
 * parameters, bad query strings, wrong content types, and credentials missing, forged or too weak. The same seed and
 * the same room give the same requests.
 */
final class FuzzRequests {

    /** A request to send: {@code route} is the template it was made for ("POST /api/v1/vms/{id}/start"). */
    record Request(String route, String method, String path, List<String> headers, byte[] body, String kind) {
        String shown() {
            String text = new String(body, StandardCharsets.UTF_8).replaceAll("[^\\x20-\\x7e]", "?");
            String shownBody = text.length() > 300 ? text.substring(0, 300) + "…(" + body.length + " bytes)" : text;
            List<String> shownHeaders = headers.stream()
                    .map(header -> header.length() > 100 ? header.substring(0, 100) + "…" : header).toList();
            return method + " " + (path.length() > 300 ? path.substring(0, 300) + "…" : path) + " " + shownHeaders
                    + " [" + kind + "] " + shownBody;
        }
    }

    /** The parts of the room a request may name, by the collection in a path ("vms", "hosts", "roles"…). */
    interface Room {
        List<String> ids(String collection);

        /** Names and ids of every kind, for string fields. */
        List<String> words();
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern PARAMETER = Pattern.compile("\\{([a-z]+)}");

    /** Path parameter values that name nothing, each as it goes into the path (already encoded when it must be). */
    private static final List<String> ODD_IDS = List.of("..", "../..", "%2e%2e", "%2e%2e%2f%2e%2e", "..%2f..%2fetc",
            ".", "%2F", "%00", "a%00b", "%27%3B%20DROP%20TABLE%20vms%3B%20--", "%27%20OR%20%271%27%3D%271",
            "%22", "%25", "%FF%FE", "%C0%AE%C0%AE", "-1", "0", "99999999999999999999999", "NaN", "null", "%20",
            "%E2%80%AE%F0%9F%92%A5", "%0d%0aX-Injected:%201", "~", "%7B%7D", "*", "%5B0%5D");

    private final Random random;
    private final JsonNode document;
    private final Room room;

    FuzzRequests(long seed, JsonNode document, Room room) {
        this.random = new Random(seed);
        this.document = document;
        this.room = room;
    }

    Random random() {
        return random;
    }

    // ---- paths and query strings ----

    /** The path of {@code route} ("METHOD /path") with each parameter an id of the room (mostly) or an odd one. */
    String path(String route, boolean roomIds) {
        String template = route.substring(route.indexOf(' ') + 1);
        Matcher matcher = PARAMETER.matcher(template);
        StringBuilder path = new StringBuilder();
        while (matcher.find()) {
            String collection = collectionBefore(template, matcher.start());
            List<String> ids = room.ids(collection);
            String value = roomIds && !ids.isEmpty() && random.nextInt(10) < 8
                    ? encode(ids.get(random.nextInt(ids.size()))) : oddId();
            matcher.appendReplacement(path, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(path);
        return path + query(route);
    }

    static String collectionBefore(String template, int parameterStart) {
        String before = template.substring(0, parameterStart - 1);
        return before.substring(before.lastIndexOf('/') + 1);
    }

    String oddId() {
        return switch (random.nextInt(4)) {
            case 0 -> encode("x".repeat(1 + random.nextInt(3000)));
            case 1 -> encode(nastyString());
            default -> ODD_IDS.get(random.nextInt(ODD_IDS.size()));
        };
    }

    private String query(String template) {
        if (random.nextInt(3) != 0) {
            return "";
        }
        List<String> names = new ArrayList<>(queryParameters(template));
        names.addAll(List.of("offset", "limit", "force", "dryRun", "name", "sha256", "host", "state", "x"));
        StringBuilder query = new StringBuilder("?");
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            if (random.nextInt(10) == 0) {
                query.append(switch (random.nextInt(4)) {
                    case 0 -> "&&&=";
                    case 1 -> "%";
                    case 2 -> "a=%zz";
                    default -> "=" + encode(nastyString());
                });
            } else {
                query.append(names.get(random.nextInt(names.size()))).append('=').append(encode(queryValue()));
            }
            query.append('&');
        }
        return query.toString();
    }

    private List<String> queryParameters(String template) {
        List<String> names = new ArrayList<>();
        String[] methodAndPath = template.split(" ", 2);
        JsonNode operation = document.path("paths").path(methodAndPath[1]).path(methodAndPath[0].toLowerCase());
        for (JsonNode parameter : operation.path("parameters")) {
            if (parameter.path("in").asText().equals("query")) {
                names.add(parameter.path("name").asText());
            }
        }
        return names;
    }

    private String queryValue() {
        return switch (random.nextInt(8)) {
            case 0 -> String.valueOf(random.nextInt(200) - 100);
            case 1 -> "99999999999999999999";
            case 2 -> "";
            case 3 -> "true";
            case 4 -> "1e400";
            case 5 -> nastyString();
            default -> word();
        };
    }

    // ---- bodies ----

    /** Whether values are only ones a careful client would send (the room's names, small sizes). */
    private boolean clean;

    /**
     * A body the route's schema describes: with {@code clean}, every value of the right type and size (a request a
     * careful client might send, which may still be refused); otherwise most fields valid, some wrong in one of
     * many ways.
     */
    JsonNode body(String template, boolean clean) {
        this.clean = clean;
        JsonNode schema = requestSchema(template);
        if (schema == null) {
            return NODES.objectNode();
        }
        return value(schema, 0);
    }

    /** The JSON request schema of a route, when it has one. */
    JsonNode requestSchema(String template) {
        String[] methodAndPath = template.split(" ", 2);
        JsonNode schema = document.path("paths").path(methodAndPath[1]).path(methodAndPath[0].toLowerCase())
                .path("requestBody").path("content").path("application/json").path("schema");
        return schema.isMissingNode() ? null : resolve(schema);
    }

    private JsonNode resolve(JsonNode schema) {
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asText().substring("#/components/schemas/".length());
            return document.path("components").path("schemas").path(name);
        }
        return schema;
    }

    private JsonNode value(JsonNode schema, int depth) {
        schema = resolve(schema);
        if (!clean && random.nextInt(12) == 0) {
            return wrongValue(depth);
        }
        if (schema.has("enum")) {
            JsonNode options = schema.get("enum");
            return !clean && random.nextInt(5) == 0 ? NODES.textNode(string())
                    : options.get(random.nextInt(options.size()));
        }
        return switch (schema.path("type").asText("object")) {
            case "integer" -> NODES.numberNode(clean ? smallInteger() : integer());
            case "number" -> NODES.numberNode(!clean && random.nextInt(5) == 0 ? Double.MAX_VALUE
                    : random.nextDouble() * 100);
            case "boolean" -> NODES.booleanNode(random.nextBoolean());
            case "string" -> NODES.textNode(!clean && random.nextInt(3) == 0 ? string() : word());
            case "array" -> array(schema, depth);
            default -> object(schema, depth);
        };
    }

    private ObjectNode object(JsonNode schema, int depth) {
        ObjectNode object = NODES.objectNode();
        JsonNode required = schema.path("required");
        for (Iterator<Map.Entry<String, JsonNode>> fields = schema.path("properties").fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            boolean isRequired = false;
            for (JsonNode name : required) {
                isRequired |= name.asText().equals(field.getKey());
            }
            int keep = isRequired ? (clean ? 15 : 14) : clean ? 2 : 6;
            if (depth < 4 && random.nextInt(15) < keep) {
                object.set(field.getKey(), value(field.getValue(), depth + 1));
            }
        }
        if (schema.has("additionalProperties") && schema.get("additionalProperties").isObject()) {
            for (int i = random.nextInt(4); i > 0; i--) {
                object.set(random.nextBoolean() ? word() : string(), value(schema.get("additionalProperties"),
                        depth + 1));
            }
        }
        if (!clean && random.nextInt(15) == 0) {
            object.set(random.nextBoolean() ? "unexpected" : string(), wrongValue(depth));
        }
        return object;
    }

    private ArrayNode array(JsonNode schema, int depth) {
        ArrayNode array = NODES.arrayNode();
        if (!clean && random.nextInt(40) == 0) {
            // a huge array of small values: its size, not its bytes, is the point
            for (int i = 5_000 + random.nextInt(5_000); i > 0; i--) {
                array.add(random.nextBoolean() ? NODES.textNode(word()) : NODES.numberNode(integer()));
            }
            return array;
        }
        for (int i = random.nextInt(4); i > 0; i--) {
            array.add(depth < 4 ? value(schema.path("items"), depth + 1) : NODES.textNode(word()));
        }
        return array;
    }

    /** A value of the wrong kind for wherever it goes. */
    private JsonNode wrongValue(int depth) {
        return switch (random.nextInt(9)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.textNode(string());
            case 2 -> NODES.numberNode(integer());
            case 3 -> NODES.numberNode(random.nextDouble() * 1e12 - 5e11);
            case 4 -> NODES.booleanNode(random.nextBoolean());
            case 5 -> NODES.arrayNode().add(word()).add(integer());
            case 6 -> NODES.numberNode(new BigInteger("9".repeat(1 + random.nextInt(400))));
            case 7 -> depth < 3 ? NODES.objectNode().set("a", wrongValue(depth + 1)) : NODES.objectNode();
            default -> NODES.textNode(word());
        };
    }

    /** A size a careful client might ask for: a few vCPUs, some memory in MiB, a VLAN, a priority. */
    private long smallInteger() {
        long[] sizes = {1, 1, 2, 4, 10, 20, 128, 256, 512, 1024};
        return sizes[random.nextInt(sizes.length)];
    }

    private long integer() {
        return switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> -1 - random.nextInt(1000);
            case 2 -> Long.MAX_VALUE;
            case 3 -> Long.MIN_VALUE;
            case 4 -> Integer.MAX_VALUE + 1L;
            case 5 -> 1L << (32 + random.nextInt(30));
            default -> 1 + random.nextInt(random.nextBoolean() ? 8 : 100_000);
        };
    }

    /** A name or id of the room, or a plain one. */
    String word() {
        List<String> words = room.words();
        if (!words.isEmpty() && random.nextInt(3) != 0) {
            return words.get(random.nextInt(words.size()));
        }
        return "fz" + Integer.toString(random.nextInt(1 << 20), 36);
    }

    /** Any string: a word, or one of the strings that break things. */
    String string() {
        return random.nextInt(3) == 0 ? word() : nastyString();
    }

    String nastyString() {
        return switch (random.nextInt(16)) {
            case 0 -> "";
            case 1 -> " ";
            case 2 -> "x".repeat(10_000 + random.nextInt(random.nextInt(20) == 0 ? 1_100_000 : 50_000));
            case 3 -> "../../etc/passwd";
            case 4 -> "'; DROP TABLE vms; --";
            case 5 -> "\" OR \"1\"=\"1";
            case 6 -> "a\u0000b";
            case 7 -> "\u0001\u0007\u001b[31m\r\n\t";
            case 8 -> "\u202eevil\u200b\ufeff";
            case 9 -> "\ud83d\udca5\ud83e\udd84 ñáé 中文 עברית";
            case 10 -> "\ud800";
            case 11 -> "${jndi:ldap://127.0.0.1/x}";
            case 12 -> "<script>alert(1)</script>";
            case 13 -> "%s%n%x";
            case 14 -> "/dev/zero";
            default -> "a/b\\c";
        };
    }

    /** A body that is not the JSON the route reads: broken, of the wrong shape, or empty. */
    byte[] malformedBody() {
        String text = switch (random.nextInt(16)) {
            case 0 -> "";
            case 1 -> "{";
            case 2 -> "{\"name\":}";
            case 3 -> "[]";
            case 4 -> "null";
            case 5 -> "42";
            case 6 -> "\"text\"";
            case 7 -> "{\"a\":1}{\"b\":2}";
            case 8 -> "[".repeat(5_000 + random.nextInt(50_000)) + "]".repeat(10);
            case 9 -> "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000);
            case 10 -> "{\"name\":\"\u0000\",}";
            case 11 -> "{'name':'single quotes'}";
            case 12 -> "<xml/>";
            case 13 -> "{\"name\": 1e99999}";
            case 14 -> "\uFEFF{\"name\":\"bom\"";
            default -> null;
        };
        if (text != null) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[random.nextInt(2_000)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A content type: JSON mostly, and the ones a route does not read. */
    String contentType() {
        return switch (random.nextInt(12)) {
            case 0 -> "text/plain";
            case 1 -> "application/x-www-form-urlencoded";
            case 2 -> "multipart/form-data; boundary=x";
            case 3 -> "application/octet-stream";
            case 4 -> "application/json; charset=utf-16";
            case 5 -> "application/xml";
            case 6 -> "";
            case 7 -> "\u0001;;;";
            default -> "application/json";
        };
    }

    /** JSON text of a node, now and then with a trailing part or in a strange encoding. */
    byte[] bytes(JsonNode body) {
        String text;
        try {
            text = Json.mapper().writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // ---- credentials ----

    /** An Authorization header or cookie that proves nothing: made up, malformed, or of an ended session. */
    List<String> forgedCredentials() {
        return switch (random.nextInt(10)) {
            case 0 -> List.of();
            case 1 -> List.of("Authorization", "Bearer " + randomToken());
            case 2 -> List.of("Authorization", "Bearer ");
            case 3 -> List.of("Authorization", "Basic " + nastyString().replace('\u0000', '0').replaceAll(
                    "[\\r\\n\\u0000-\\u001f\\u007f-\\uffff]", "?"));
            case 4 -> List.of("Authorization", "Basic " + Base64.getEncoder().encodeToString("no-colon"
                    .getBytes(StandardCharsets.UTF_8)));
            case 5 -> List.of("Authorization", "Basic " + Base64.getEncoder().encodeToString((word() + ":" + word())
                    .getBytes(StandardCharsets.UTF_8)));
            case 6 -> List.of("Cookie", Guard.SESSION_COOKIE + "=" + randomToken());
            case 7 -> List.of("Authorization", "Token " + randomToken());
            case 8 -> List.of("Authorization", "Bearer " + randomToken() + "\u00e9".replace("\u00e9", "%C3%A9"));
            default -> List.of("Authorization", random.nextBoolean() ? "Negotiate abc" : "bearer" + randomToken());
        };
    }

    String randomToken() {
        byte[] bytes = new byte[1 + random.nextInt(48)];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
