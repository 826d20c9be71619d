package dev.paddock.ha.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.paddock.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs each notice as JSON to every configured URL, from one sender thread behind a bounded queue: a full queue
 * drops the newest notice (counted and logged) rather than slow the HA loop. Each delivery is tried
 * {@code attempts} times with a doubling pause; a 2xx answer is a delivery.
 */
public final class WebhookNotifier implements Notifier, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);

    private final List<URI> urls;
    private final int attempts;
    private final Duration firstPause;
    private final BlockingQueue<Notice> queue;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread sender;
    private volatile boolean closing;

    public WebhookNotifier(List<URI> urls, int capacity, int attempts, Duration firstPause) {
        if (attempts < 1 || capacity < 1) {
            throw new IllegalArgumentException("a webhook needs at least one attempt and room for one notice");
        }
        this.urls = List.copyOf(urls);
        this.attempts = attempts;
        this.firstPause = firstPause;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sender = Thread.ofPlatform().name("ha-webhook").daemon().start(this::send);
    }

    public static WebhookNotifier to(List<URI> urls) {
        return new WebhookNotifier(urls, 1000, 3, Duration.ofSeconds(1));
    }

    @Override
    public void notify(Notice notice) {
        if (!queue.offer(notice)) {
            dropped.incrementAndGet();
            LOG.warn("webhook queue full: notice {} on {} dropped", notice.kind(), notice.subjectId());
        }
    }

    /** Notices dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Deliveries that failed every attempt. */
    public long failed() {
        return failed.get();
    }

    private void send() {
        while (!closing) {
            Notice notice;
            try {
                notice = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (notice != null) {
                urls.forEach(url -> deliver(url, notice));
            }
        }
    }

    private void deliver(URI url, Notice notice) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(notice))).build();
        Duration pause = firstPause;
        for (int attempt = 1; attempt <= attempts && !closing; attempt++) {
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    return;
                }
                LOG.warn("webhook {} answered {} to notice {} (attempt {}/{})", url, status, notice.kind(), attempt,
                        attempts);
            } catch (IOException e) {
                LOG.warn("webhook {} unreachable for notice {} (attempt {}/{}): {}", url, notice.kind(), attempt,
                        attempts, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (attempt < attempts && !sleep(pause)) {
                return;
            }
            pause = pause.multipliedBy(2);
        }
        failed.incrementAndGet();
    }

    private static boolean sleep(Duration pause) {
        try {
            Thread.sleep(pause);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String json(Notice notice) {
        try {
            return Json.mapper().writeValueAsString(notice);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a notice is plain JSON", e);
        }
    }

    @Override
    public void close() {
        closing = true;
        sender.interrupt();
        try {
            sender.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
