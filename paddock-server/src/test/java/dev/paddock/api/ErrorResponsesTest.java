package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.operation.OperationRunner;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every class of bad input gets an RFC 9457 problem that says what is wrong, through real HTTP. */
class ErrorResponsesTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    static TestServer server;

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("malformed JSON is a 400 that says where", "POST", "/api/v1/vms",
                        "{\"name\": \"web\",\n \"vcpus\": 2,,}", 400, "line 2, column"),
                Arguments.of("a body that is not an object is a 400", "POST", "/api/v1/sites", "[1,2]", 400,
                        "must be a JSON object"),
                Arguments.of("an empty body is a 400", "POST", "/api/v1/sites", "", 400, "body is empty"),
                Arguments.of("an unknown field is a 400 that names it", "POST", "/api/v1/vms",
                        "{\"name\":\"web\",\"vcpus\":1,\"memoryMib\":512,\"colour\":\"red\"}", 400,
                        "Unknown field 'colour'"),
                Arguments.of("a wrong type is a 400 that names the field", "POST", "/api/v1/vms",
                        "{\"name\":\"web\",\"vcpus\":\"two\",\"memoryMib\":512}", 400, "Field 'vcpus' must be a whole number"),
                Arguments.of("a number in a string is a wrong type", "POST", "/api/v1/vms",
                        "{\"name\":\"web\",\"vcpus\":\"2\",\"memoryMib\":512}", 400,
                        "Field 'vcpus' must be a whole number"),
                Arguments.of("a fraction where a whole number belongs is a wrong type", "POST", "/api/v1/vms",
                        "{\"name\":\"web\",\"vcpus\":1.5,\"memoryMib\":512}", 400,
                        "Field 'vcpus' must be a whole number"),
                Arguments.of("a number too large for its field is a 400 that names it", "POST", "/api/v1/vms",
                        "{\"name\":\"web\",\"vcpus\":99999999999999999999,\"memoryMib\":512}", 400,
                        "Field 'vcpus' is out of range"),
                Arguments.of("a word where a flag belongs is a wrong type", "POST", "/api/v1/vms",
                        "{\"name\":\"web\",\"vcpus\":1,\"memoryMib\":512,\"start\":\"yes\"}", 400,
                        "Field 'start' must be true or false"),
                Arguments.of("text after the object is malformed JSON", "POST", "/api/v1/sites",
                        "{\"name\":\"x\"} trailing", 400, "Malformed JSON"),
                Arguments.of("a watchdog action libvirt does not offer is a 422 that lists the ones it does", "POST",
                        "/api/v1/vms", "{\"name\":\"web\",\"vcpus\":1,\"memoryMib\":512,\"watchdog\":{\"action\":\"explode\"}}",
                        422, "Field 'watchdog.action' must be one of reset, poweroff, pause, none, not 'explode'."),
                Arguments.of("an unknown watchdog model is a 422 that lists the known ones", "POST", "/api/v1/vms",
                        "{\"name\":\"web\",\"vcpus\":1,\"memoryMib\":512,\"watchdog\":{\"model\":\"ib700\"}}", 422,
                        "Field 'watchdog.model' must be one of i6300esb, itco, not 'ib700'."),
                Arguments.of("an unknown field in the watchdog is a 400 that names it", "POST", "/api/v1/vms",
                        "{\"name\":\"web\",\"vcpus\":1,\"memoryMib\":512,\"watchdog\":{\"timeout\":30}}", 400,
                        "Unknown field 'watchdog.timeout'; known fields are: action, model."),
                Arguments.of("a missing field is a 422 that names it", "POST", "/api/v1/vms",
                        "{\"name\":\"web\",\"vcpus\":1}", 422, "Field 'memoryMib' is required"),
                Arguments.of("a negative size is a 422 that names field and limit", "POST", "/api/v1/vms",
                        "{\"name\":\"web\",\"vcpus\":1,\"memoryMib\":-5}", 422,
                        "Field 'memoryMib' must be between 1 and 16384 MiB"),
                Arguments.of("memory above the largest host is a 422 that names the limit", "POST", "/api/v1/vms",
                        "{\"name\":\"web\",\"vcpus\":1,\"memoryMib\":99999999}", 422,
                        "the largest host of cluster 'prod' has 16384 MiB"),
                Arguments.of("more vCPUs than any host is a 422", "POST", "/api/v1/vms",
                        "{\"name\":\"web\",\"vcpus\":64,\"memoryMib\":512}", 422,
                        "Field 'vcpus' must be between 1 and 8 vCPUs"),
                Arguments.of("a name outside the safe alphabet is a 422", "POST", "/api/v1/vms",
                        "{\"name\":\"web server!\",\"vcpus\":1,\"memoryMib\":512}", 422, "Field 'name' must be"),
                Arguments.of("a reference to no cluster is a 422 that names the id", "POST", "/api/v1/vms",
                        "{\"name\":\"web\",\"clusterId\":\"nope\",\"vcpus\":1,\"memoryMib\":512}", 422,
                        "names no cluster: 'nope'"),
                Arguments.of("a VLAN out of range is a 422", "POST", "/api/v1/networks",
                        "{\"siteId\":\"site-1\",\"name\":\"lan\",\"vlan\":5000}", 422,
                        "Field 'vlan' must be between 1 and 4094"),
                Arguments.of("an unknown VM id is a 404 that names it", "GET", "/api/v1/vms/no-such-vm", null, 404,
                        "No VM has id 'no-such-vm'"),
                Arguments.of("an unknown operation id is a 404 that names it", "POST",
                        "/api/v1/operations/op-404/cancel", "", 404, "No operation has id 'op-404'"),
                Arguments.of("an unknown route is a 404", "GET", "/api/v1/volcanoes", null, 404,
                        "No route GET /api/v1/volcanoes"),
                Arguments.of("a query parameter that is not a number is a 400", "GET", "/api/v1/vms?limit=ten", null,
                        400, "Query parameter 'limit' must be a whole number"),
                Arguments.of("a negative offset is a 400", "GET", "/api/v1/vms?offset=-1", null, 400,
                        "Query parameter 'offset' must not be negative"),
                Arguments.of("a host URI no host answers at is a 422 that says so", "POST", "/api/v1/hosts",
                        "{\"clusterId\":\"cluster-1\",\"name\":\"h9\",\"uri\":\"sim://nowhere\"}", 422,
                        "Field 'uri': no host answers at sim://nowhere"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void answersWithAProblem(String sentence, String method, String path, String body, int status, String detail) {
        TestServer.Reply reply = switch (method) {
            case "GET" -> server.get(path);
            case "POST" -> server.post(path, body);
            default -> throw new IllegalArgumentException(method);
        };

        assertProblem(reply, status, detail, path.replaceAll("\\?.*", ""));
    }

    @Test
    void aDuplicateNameIsA409ThatNamesTheName() {
        assertThat(server.post("/api/v1/sites", "{\"name\":\"branch\"}").status()).isEqualTo(201);

        assertProblem(server.post("/api/v1/sites", "{\"name\":\"branch\"}"), 409,
                "A site named 'branch' already exists", "/api/v1/sites");
    }

    @Test
    void aDuplicateVmNameIsA409BeforeAnyOperationStarts() {
        server.createVm("twin", 1, 512);
        long operations = server.get("/api/v1/operations").json().get("total").asLong();

        assertProblem(server.post("/api/v1/vms", "{\"name\":\"twin\",\"vcpus\":1,\"memoryMib\":512}"), 409,
                "A VM named 'twin' already exists in cluster 'prod'", "/api/v1/vms");
        assertThat(server.get("/api/v1/operations").json().get("total").asLong()).isEqualTo(operations);
    }

    @Test
    void startingARunningVmIsA409() {
        String id = server.createVm("already-up", 1, 512);

        assertProblem(server.post("/api/v1/vms/" + id + "/start", ""), 409, "VM 'already-up' is already running",
                "/api/v1/vms/" + id + "/start");
    }

    @Test
    void deletingARunningVmWithoutForceIsA409() {
        String id = server.createVm("busy", 1, 512);

        assertProblem(server.delete("/api/v1/vms/" + id), 409, "stop it first or delete with force=true",
                "/api/v1/vms/" + id);
    }

    @Test
    void aSubmissionToAStoppedRunnerIsA503AndLeavesNoOperation(TestServer stopped) {
        long operations = stopped.get("/api/v1/operations").json().get("total").asLong();
        ((OperationRunner) stopped.operations).close();

        assertProblem(stopped.post("/api/v1/vms", "{\"name\":\"late\",\"vcpus\":1,\"memoryMib\":512}"), 503,
                "is not running operations", "/api/v1/vms");
        assertThat(stopped.get("/api/v1/operations").json().get("total").asLong()).isEqualTo(operations);
    }

    @Test
    void aWrongMethodOnAKnownPathIsA405() {
        assertProblem(server.delete("/api/v1/sites"), 405, "Method DELETE is not allowed", "/api/v1/sites");
    }

    static Stream<Arguments> refusedBeforeAnyRoute() {
        String longQuery = "?x=" + "x".repeat(20_000);
        return Stream.of(
                Arguments.of("a NUL in a path is a 400", "DELETE", "/api/v1/vms/a%00b", "", 400,
                        "The request is not valid HTTP"),
                Arguments.of("bytes that are not UTF-8 in a path are a 400", "PUT", "/api/v1/vms/%FF%FE/ha", "", 400,
                        "The request is not valid HTTP"),
                Arguments.of("a URI too long is a 414", "GET", "/api/v1/vms" + longQuery, "", 414,
                        "The request's URI is longer than this server accepts"),
                Arguments.of("headers too large are a 431", "PATCH", "/api/v1/vms/x", "x".repeat(20_000), 431,
                        "The request's headers are larger than this server accepts"));
    }

    /** Jetty refuses these before Javalin sees them; its own HTML page or empty body is no answer for a client. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedBeforeAnyRoute")
    void refusalsBeforeAnyRouteAreProblemsToo(String sentence, String method, String path, String header, int status,
            String detail) {
        java.util.function.Supplier<java.net.http.HttpRequest.Builder> request = () -> {
            java.net.http.HttpRequest.Builder built = java.net.http.HttpRequest.newBuilder(server.url().resolve(path))
                    .method(method, java.net.http.HttpRequest.BodyPublishers.noBody());
            return header.isEmpty() ? built : built.header("X-Padding", header);
        };

        TestServer.Reply reply;
        try {
            reply = server.send(request.get());
        } catch (java.io.UncheckedIOException e) {
            // Jetty closes the connection after a request it refuses; now and then the close overtakes the answer on
            // loopback (the client reads "no bytes"), so the request is asked once more: the answer itself is checked
            reply = server.send(request.get());
        }

        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("status").asInt()).isEqualTo(status);
        assertThat(reply.json().get("detail").asText()).startsWith(detail).endsWith(".");
    }

    private static void assertProblem(TestServer.Reply reply, int status, String detail, String instance) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        JsonNode problem = reply.json();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asText()).startsWith("https://paddock.dev/problems/");
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).contains(detail);
        assertThat(problem.get("instance").asText()).isEqualTo(instance);
        assertThat(reply.body()).doesNotContain("Exception", "\tat ", "dev.paddock.");
    }
}
