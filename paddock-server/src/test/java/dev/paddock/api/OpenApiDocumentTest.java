package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The OpenAPI document served by the server describes exactly the routes the server answers. */
class OpenApiDocumentTest {

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
    void everyRegisteredRouteIsDescribed() {
        List<String> routes = server.server.routes();
        assertThat(routes).contains("GET /api/v1/vms", "POST /api/v1/vms/{id}/stop", "GET /metrics");

        for (String route : routes) {
            String[] parts = route.split(" ", 2);
            JsonNode path = document.get("paths").get(parts[1]);
            assertThat(path).as("path of " + route).isNotNull();
            assertThat(path.get(parts[0].toLowerCase(Locale.ROOT))).as(route).isNotNull();
        }
    }

    @Test
    void everyDescribedRouteIsRegistered() {
        List<String> described = new ArrayList<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties().stream().map(java.util.Map.Entry::getKey)
                .forEach(method -> described.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));

        assertThat(server.server.routes()).containsAll(described);
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
