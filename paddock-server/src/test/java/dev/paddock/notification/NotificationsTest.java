package dev.paddock.notification;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Notices through the channels: a webhook on a loopback HTTP server that fails when told to, and e-mail to a real SMTP
 * server (GreenMail) on loopback.
 */
class NotificationsTest {

    private static final Notifier.Notice NOTICE = new Notifier.Notice("ha.fence.failed", "esx-par-06",
            "HA cannot fence host esx-par-06", Instant.parse("2030-01-01T00:00:00Z"));

    HttpServer receiver;
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresToCome = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    volatile CountDownLatch gate = new CountDownLatch(0);

    /** The channels as the store keeps them, in memory. */
    static final class KeptChannels implements Channels {
        final Map<String, Channel> channels = new LinkedHashMap<>();
        final Map<String, String> passwords = new HashMap<>();

        @Override
        public List<Channel> list() {
            return List.copyOf(channels.values());
        }

        @Override
        public Optional<Channel> get(String id) {
            return Optional.ofNullable(channels.get(id));
        }

        @Override
        public Optional<Channel> byName(String name) {
            return channels.values().stream().filter(channel -> channel.name().equals(name)).findFirst();
        }

        @Override
        public void put(Channel channel, Optional<String> password) {
            channels.put(channel.id(), channel);
            password.ifPresent(secret -> passwords.put(channel.id(), secret));
        }

        @Override
        public Optional<String> password(String id) {
            return Optional.ofNullable(passwords.get(id));
        }

        @Override
        public boolean remove(String id) {
            return channels.remove(id) != null;
        }
    }

    final KeptChannels channels = new KeptChannels();
    GreenMail smtp;

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
        if (smtp != null) {
            smtp.stop();
        }
    }

    private URI hook() {
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    }

    private Notifications webhook(int capacity, int attempts, Duration pause) {
        channels.put(new Channel("c1", "ops-hook", new Channel.Webhook(hook()), "admin", NOTICE.at()), Optional.empty());
        return new Notifications(channels, capacity, attempts, Duration.ofMillis(pause.toMillis()));
    }

    @Test
    void aNoticeIsPostedAsJsonAndRetriedUntilTheReceiverTakesIt() {
        failuresToCome.set(2);
        try (Notifications notifier = webhook(10, 3, Duration.ofMillis(20))) {
            notifier.notify(NOTICE);

            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> bodies.size() == 1);
            assertThat(calls.get()).isEqualTo(3);
            assertThat(bodies.getFirst()).contains("\"kind\":\"ha.fence.failed\"", "\"subjectId\":\"esx-par-06\"",
                    "HA cannot fence host esx-par-06");
            assertThat(notifier.failed()).isZero();
            assertThat(notifier.delivered()).isEqualTo(1);
        }
    }

    @Test
    void aReceiverThatKeepsFailingCostsTheConfiguredAttemptsThenTheNoticeIsCountedAsFailed() {
        failuresToCome.set(100);
        try (Notifications notifier = webhook(10, 3, Duration.ofMillis(10))) {
            notifier.notify(NOTICE);

            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> notifier.failed() == 1);
            assertThat(calls.get()).isEqualTo(3);
        }
    }

    @Test
    void aFullQueueDropsNoticesInsteadOfBlockingTheCaller() {
        gate = new CountDownLatch(1);
        try (Notifications notifier = webhook(2, 1, Duration.ofMillis(10))) {
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

    private Channel.Email mailTo(int port, Optional<String> user) {
        return new Channel.Email("127.0.0.1", port, false, "paddock@room.test", List.of("ops@room.test",
                "oncall@room.test"), user);
    }

    @Test
    void aNoticeReachesEveryRecipientOfAnEmailChannelThroughARealSmtpServer() throws Exception {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        channels.put(new Channel("m1", "ops-mail", mailTo(smtp.getSmtp().getPort(), Optional.empty()), "admin",
                NOTICE.at()), Optional.empty());
        try (Notifications notifier = new Notifications(channels, 10, 3, Duration.ofMillis(10))) {
            notifier.notify(NOTICE);

            // polled: GreenMail's own wait holds the lock its SMTP handler needs to store what arrives
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> smtp.getReceivedMessages().length == 2);
            MimeMessage[] received = smtp.getReceivedMessages();
            assertThat(received).hasSize(2);
            assertThat(received[0].getSubject()).isEqualTo("[Paddock] HA cannot fence host esx-par-06");
            assertThat(received[0].getFrom()[0].toString()).isEqualTo("paddock@room.test");
            assertThat(GreenMailUtil.getBody(received[0])).contains("ha.fence.failed on esx-par-06");
        }
    }

    @Test
    void anSmtpServerThatWantsALoginGetsTheStoredUserAndPassword() {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.setUser("paddock@room.test", "relay", "s3cret");
        smtp.start();
        Channel channel = new Channel("m2", "relay", mailTo(smtp.getSmtp().getPort(), Optional.of("relay")), "admin",
                NOTICE.at());
        channels.put(channel, Optional.of("s3cret"));
        try (Notifications notifier = new Notifications(channels, 10, 1, Duration.ofMillis(10))) {
            Notifications.TestResult result = notifier.test(channel, NOTICE);

            assertThat(result.delivered()).as(result.detail()).isTrue();
            assertThat(smtp.getReceivedMessages()).hasSize(2);
        }
    }

    @Test
    void aChannelsTestSaysWhyItWasNotDelivered() throws IOException {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Channel channel = new Channel("m3", "nowhere", mailTo(closed, Optional.empty()), "admin", NOTICE.at());
        failuresToCome.set(100);
        Channel hookChannel = new Channel("c9", "broken", new Channel.Webhook(hook()), "admin", NOTICE.at());
        try (Notifications notifier = new Notifications(channels, 10, 1, Duration.ofMillis(10))) {
            assertThat(notifier.test(channel, NOTICE)).satisfies(result -> {
                assertThat(result.delivered()).isFalse();
                assertThat(result.detail()).startsWith("The SMTP server 127.0.0.1:" + closed + " did not take the mail: ")
                        .contains("onnection refused");
            });
            assertThat(notifier.test(hookChannel, NOTICE).detail()).isEqualTo("The webhook " + hook()
                    + " answered HTTP 503.");
        }
    }
}
