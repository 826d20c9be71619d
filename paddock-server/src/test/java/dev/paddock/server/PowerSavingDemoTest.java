package dev.paddock.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import dev.paddock.security.Secrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power saving on the demo room, whose hosts have the simulated room's BMCs as fence devices: a host goes to
 * standby (its VMs migrate, it is powered off through its BMC, HA is disarmed for it) and comes back on when the
 * policy says the load needs it, then takes VMs again.
 */
class PowerSavingDemoTest {

    @TempDir
    Path directory;

    private final HttpClient http = HttpClient.newHttpClient();
    private final String token = Secrets.strong().token();
    private PaddockServer server;

    @Test
    void aHostGoesToStandbyThroughItsBmcAndComesBackWhenTheLoadNeedsIt() throws Exception {
        try (PaddockServer started = PaddockServer.start(ServerConfig.inDirectory(directory, "127.0.0.1", 0,
                ServerConfig.Room.DEMO).withAdministratorToken(token))) {
            server = started;
            // standby as soon as the hosts left would be under 90 % busy, in the first cluster where admission
            // control lets a host go; the demo's clusters are packed to tolerate one host failure with every host
            // (the decision says so), so their HA promise is lowered to none first
            String path = null;
            JsonNode decision = null;
            java.util.List<String> said = new java.util.ArrayList<>();
            for (JsonNode cluster : json("GET", "/api/v1/clusters", null).get("items")) {
                String candidate = "/api/v1/clusters/" + cluster.get("id").asText() + "/power-saving";
                assertThat(send("PUT", "/api/v1/clusters/" + cluster.get("id").asText() + "/ha",
                        "{\"toleratedHostFailures\":0}").statusCode()).isEqualTo(200);
                assertThat(json("GET", candidate, null).get("policy").get("mode").asText()).isEqualTo("off");
                HttpResponse<String> set = send("PUT", candidate, "{\"mode\":\"recommend\",\"low\":0.9,"
                        + "\"target\":0.95,\"high\":0.99}");
                assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
                JsonNode decided = Json.mapper().readTree(set.body()).get("decision");
                said.add(decided.get("summary").asText());
                if (decided.get("action").asText().equals("standby")) {
                    path = candidate;
                    decision = decided;
                    break;
                }
            }
            assertThat(path).as("no cluster lets a host go to standby: " + said).isNotNull();
            String host = decision.get("hosts").get(0).asText();
            String power = path;

            JsonNode standby = done(send("POST", path + "/apply", ""));
            assertThat(standby.get("kind").asText()).isEqualTo("host.standby");
            assertThat(steps(standby)).last().asString().startsWith("power host ").endsWith(" off for standby"
                    + " (confirmed)");
            assertThat(json("GET", "/api/v1/hosts/" + host, null).get("hostId") == null).isTrue();
            JsonNode shown = json("GET", path, null);
            assertThat(shown.get("standby")).singleElement().satisfies(s -> {
                assertThat(s.get("host").asText()).isEqualTo(host);
                assertThat(s.get("state").asText()).isEqualTo("standby");
            });
            assertThat(vmsOn(host)).isZero();
            Awaitility.await("HA sees " + host + " in maintenance").atMost(Duration.ofSeconds(20))
                    .until(() -> haHealth(host).equals("MAINTENANCE"));

            // now every host on is "too busy": the standby host is powered on, and leaves maintenance once it answers
            assertThat(send("PUT", path, "{\"low\":0.001,\"target\":0.002,\"high\":0.003}").statusCode())
                    .isEqualTo(200);
            JsonNode wake = done(send("POST", path + "/apply", ""));
            assertThat(wake.get("kind").asText()).isEqualTo("host.wake");
            Awaitility.await(host + " back from standby").atMost(Duration.ofSeconds(30)).pollInterval(
                    Duration.ofMillis(500)).until(() -> json("GET", power, null).get("standby").isEmpty()
                            && haHealth(host).equals("HEALTHY"));
        }
    }

    private long vmsOn(String host) throws Exception {
        long count = 0;
        for (JsonNode vm : json("GET", "/api/v1/vms?limit=1000", null).get("items")) {
            if (vm.path("hostId").asText().equals(host) && vm.path("state").asText().equals("RUNNING")) {
                count++;
            }
        }
        return count;
    }

    private String haHealth(String host) throws Exception {
        for (JsonNode h : json("GET", "/api/v1/ha/status", null).get("hosts")) {
            if (h.get("hostId").asText().equals(host)) {
                return h.get("health").asText();
            }
        }
        return "";
    }

    private JsonNode done(HttpResponse<String> accepted) throws Exception {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        JsonNode[] last = new JsonNode[1];
        Awaitility.await("operation " + location).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> (last[0] = json("GET", location, null)).get("isFinal").asBoolean());
        assertThat(last[0].get("state").asText()).as(last[0].toString()).isEqualTo("DONE");
        return last[0];
    }

    private static java.util.List<String> steps(JsonNode operation) {
        java.util.List<String> steps = new java.util.ArrayList<>();
        operation.get("steps").forEach(step -> steps.add(step.get("description").asText()));
        return steps;
    }

    private JsonNode json(String method, String path, String body) throws Exception {
        HttpResponse<String> response = send(method, path, body);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.url().resolve(URI.create(path)))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
