package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paddock.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The OpenAPI document served by the server describes exactly the routes the server answers. */
class OpenApiDocumentTest {

    /** Where the document is edited, as the gap sentences name it. */
    static final String FILE = "paddock-server/src/main/resources/openapi.json";

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    static TestServer server;
    static JsonNode document;

    @BeforeAll
    static void fetch() {
        TestServer.Reply reply = server.get("/api/v1/openapi.json");
        assertThat(reply.status()).isEqualTo(200);
        document = reply.json();
    }

    @Test
    void itIsAnOpenApi31Document() {
        assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(document.get("info").get("title").asText()).isEqualTo("Paddock API");
    }

    @Test
    void everyRegisteredRouteIsDescribedAndEveryDescribedRouteIsRegistered() {
        List<String> routes = server.server.routes();
        assertThat(routes).contains("GET /api/v1/vms", "POST /api/v1/vms/{id}/stop", "GET /metrics");

        List<String> gaps = gaps(routes, document);

        assertThat(gaps).as(String.join("\n", gaps)).isEmpty();
    }

    @Test
    void everyOperationCarriesTheSecurityItsRouteDeclares() {
        List<String> wrong = new ArrayList<>();
        for (io.javalin.router.Endpoint endpoint : server.server.endpoints()) {
            JsonNode operation = document.get("paths").path(endpoint.path)
                    .path(endpoint.method.name().toLowerCase(Locale.ROOT));
            SecuredRoutes.Secured secured = endpoint.metadata(SecuredRoutes.Secured.class);
            String route = endpoint.method.name() + " " + endpoint.path;
            if (secured == null) {
                if (!operation.path("security").isArray() || !operation.path("security").isEmpty()) {
                    wrong.add(route + " is open but its operation does not say \"security\": []");
                }
            } else if (!operation.path("x-paddock-permission").asText().equals(secured.permission().key())
                    || operation.path("security").size() != 3) {
                wrong.add(route + " needs " + secured.permission().key() + " but its operation says "
                        + operation.path("x-paddock-permission").asText("nothing"));
            }
        }
        assertThat(document.get("components").get("securitySchemes").properties()).extracting(Map.Entry::getKey)
                .containsExactly("bearer", "basic", "session");
        assertThat(wrong).isEmpty();
    }

    @Test
    void everyRouteThatStartsWorkDocuments429AndEveryBodyThatCanBeTooLarge413() {
        List<String> wrong = new ArrayList<>();
        for (io.javalin.router.Endpoint endpoint : server.server.endpoints()) {
            JsonNode operation = document.get("paths").path(endpoint.path)
                    .path(endpoint.method.name().toLowerCase(Locale.ROOT));
            String route = endpoint.method.name() + " " + endpoint.path;
            boolean expensive = endpoint.metadata(SecuredRoutes.Expensive.class) != null;
            if (expensive && !operation.path("responses").has("429")) {
                wrong.add(route + " starts work (rate limited) but documents no 429");
            }
            if (operation.has("requestBody") && !operation.path("responses").has("413")) {
                wrong.add(route + " takes a body but documents no 413");
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aRouteMissingFromTheDocumentIsNamedWithWhereToDescribeIt() {
        List<String> routes = new ArrayList<>(server.server.routes());
        routes.add("POST /api/v1/vms/{id}/clone");
        routes.add("DELETE /api/v1/vms/{id}/ha");

        assertThat(gaps(routes, document)).containsExactly(
                "POST /api/v1/vms/{id}/clone is registered but not described: add the path \"/api/v1/vms/{id}/clone\""
                        + " with a \"post\" operation to " + FILE + ".",
                "DELETE /api/v1/vms/{id}/ha is registered but not described: add a \"delete\" operation under the"
                        + " path \"/api/v1/vms/{id}/ha\" in " + FILE + ".");
    }

    @Test
    void aDescribedRouteNoHandlerAnswersIsNamed() {
        ObjectNode stale = document.deepCopy();
        ((ObjectNode) stale.get("paths")).putObject("/api/v1/vms/{id}/evacuate").putObject("post");

        assertThat(gaps(server.server.routes(), stale)).containsExactly("POST /api/v1/vms/{id}/evacuate is described"
                + " but no route is registered for it: register it in its *Routes class, or remove it from " + FILE
                + ".");
    }

    @Test
    void theServedDocumentIsTheCheckedInFile() throws IOException {
        try (var in = OpenApiDocument.class.getResourceAsStream(OpenApiDocument.RESOURCE)) {
            assertThat(document).isEqualTo(Json.mapper().readTree(in));
        }
    }

    /**
     * Every difference between the routes ("METHOD /path") and the document's operations, one sentence each: what is
     * missing, and where to add it.
     */
    static List<String> gaps(List<String> routes, JsonNode document) {
        JsonNode paths = document.get("paths");
        Set<String> described = new LinkedHashSet<>();
        paths.properties().forEach(path -> path.getValue().properties().forEach(
                method -> described.add(method.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey())));
        List<String> gaps = new ArrayList<>();
        for (String route : new LinkedHashSet<>(routes)) {
            if (!described.contains(route)) {
                String[] parts = route.split(" ", 2);
                String method = parts[0].toLowerCase(Locale.ROOT);
                gaps.add(paths.has(parts[1])
                        ? route + " is registered but not described: add a \"" + method + "\" operation under the path"
                                + " \"" + parts[1] + "\" in " + FILE + "."
                        : route + " is registered but not described: add the path \"" + parts[1] + "\" with a \""
                                + method + "\" operation to " + FILE + ".");
            }
        }
        described.stream().filter(route -> !routes.contains(route)).forEach(route -> gaps.add(route + " is described"
                + " but no route is registered for it: register it in its *Routes class, or remove it from " + FILE
                + "."));
        return gaps;
    }

    @Test
    void everyPathParameterIsDeclared() {
        Pattern parameter = Pattern.compile("\\{(\\w+)}");
        document.get("paths").properties().forEach(path -> {
            Matcher matcher = parameter.matcher(path.getKey());
            while (matcher.find()) {
                String name = matcher.group(1);
                path.getValue().forEach(operation -> assertThat(operation.get("parameters"))
                        .as(path.getKey())
                        .anySatisfy(p -> {
                            assertThat(p.get("name").asText()).isEqualTo(name);
                            assertThat(p.get("in").asText()).isEqualTo("path");
                        }));
            }
        });
    }

    @Test
    void everyReferenceResolvesAndErrorsAreProblems() {
        JsonNode schemas = document.get("components").get("schemas");
        List<String> references = new ArrayList<>();
        collectReferences(document, references);

        assertThat(references).isNotEmpty()
                .allSatisfy(ref -> assertThat(schemas.has(ref.substring("#/components/schemas/".length())))
                        .as(ref).isTrue());
        JsonNode notFound = document.get("paths").get("/api/v1/vms/{id}").get("get").get("responses").get("404");
        assertThat(notFound.get("content").get("application/problem+json").get("schema").get("$ref").asText())
                .isEqualTo("#/components/schemas/Problem");
    }

    @Test
    void requestBodiesRefuseUnknownFieldsAsTheServerDoes() {
        assertThat(document.get("components").get("schemas").get("NewVm").get("additionalProperties").asBoolean())
                .isFalse();
    }

    private static void collectReferences(JsonNode node, List<String> into) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                if (field.getKey().equals("$ref")) {
                    into.add(field.getValue().asText());
                } else {
                    collectReferences(field.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectReferences(child, into));
        }
    }
}
