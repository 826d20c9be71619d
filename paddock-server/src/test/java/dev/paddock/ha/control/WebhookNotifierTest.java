package dev.paddock.ha.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook on a loopback HTTP server that fails when told to. */
class WebhookNotifierTest {

    private static final Notifier.Notice NOTICE = new Notifier.Notice("ha.fence.failed", "esx-par-06",
            "HA cannot fence host esx-par-06", Instant.parse("2030-01-01T00:00:00Z"));

    HttpServer receiver;
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresToCome = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    volatile CountDownLatch gate = new CountDownLatch(0);

    @BeforeEach
    void listen() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            calls.incrementAndGet();
            try {
                gate.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = failuresToCome.getAndDecrement() > 0 ? 503 : 204;
            if (status == 204) {
                bodies.add(body);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void close() {
        receiver.stop(0);
    }

    private URI hook() {
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    }

    @Test
    void aNoticeIsPostedAsJsonAndRetriedUntilTheReceiverTakesIt() {
        failuresToCome.set(2);
        try (WebhookNotifier notifier = new WebhookNotifier(List.of(hook()), 10, 3, Duration.ofMillis(20))) {
            notifier.notify(NOTICE);

            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> bodies.size() == 1);
            assertThat(calls.get()).isEqualTo(3);
            assertThat(bodies.getFirst()).contains("\"kind\":\"ha.fence.failed\"", "\"subjectId\":\"esx-par-06\"",
                    "HA cannot fence host esx-par-06");
            assertThat(notifier.failed()).isZero();
        }
    }

    @Test
    void aReceiverThatKeepsFailingCostsTheConfiguredAttemptsThenTheNoticeIsCountedAsFailed() {
        failuresToCome.set(100);
        try (WebhookNotifier notifier = new WebhookNotifier(List.of(hook()), 10, 3, Duration.ofMillis(10))) {
            notifier.notify(NOTICE);

            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> notifier.failed() == 1);
            assertThat(calls.get()).isEqualTo(3);
        }
    }

    @Test
    void aFullQueueDropsNoticesInsteadOfBlockingTheCaller() {
        gate = new CountDownLatch(1);
        try (WebhookNotifier notifier = new WebhookNotifier(List.of(hook()), 2, 1, Duration.ofMillis(10))) {
            long started = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                notifier.notify(NOTICE);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            // one notice is with the sender, two wait in the queue
            assertThat(notifier.dropped()).isBetween(7L, 8L);
            gate.countDown();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> bodies.size() == 10 - notifier.dropped());
        }
    }
}
