package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /metrics speaks Prometheus: JVM metrics, request timers by route template, and counts by state. */
class MetricsTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    @Test
    void jvmMetricsAreExposed() {
        TestServer.Reply reply = server.get("/metrics");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/plain");
        assertThat(reply.body()).contains("jvm_memory_used_bytes", "jvm_threads_live_threads");
    }

    @Test
    void requestsAreTimedByRouteTemplateNotById() {
        String id = server.createVm("timed", 1, 256);
        server.get("/api/v1/vms/" + id);
        server.get("/api/v1/vms/unknown");

        String metrics = server.get("/metrics").body();

        assertThat(metrics)
                .contains("paddock_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/vms/{id}\",status=\"200\"} 1")
                .contains("paddock_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/vms/{id}\",status=\"404\"} 1")
                .contains("paddock_http_requests_seconds_count{method=\"POST\",route=\"/api/v1/vms\",status=\"202\"} 1")
                .doesNotContain(id);
    }

    @Test
    void hostsVmsAndOperationsAreCountedByState() {
        server.createVm("up", 1, 256);
        String down = server.createVm("down", 1, 256);
        server.awaitFinal(server.post("/api/v1/vms/" + down + "/stop", ""));

        String metrics = server.get("/metrics").body();

        assertThat(metrics)
                .contains("paddock_hosts{state=\"CONNECTED\"} 2.0")
                .contains("paddock_hosts{state=\"FENCED\"} 0.0")
                .contains("paddock_vms{state=\"RUNNING\"} 1.0")
                .contains("paddock_vms{state=\"STOPPED\"} 1.0")
                .contains("paddock_operations{state=\"DONE\"} 3.0");
    }
}
