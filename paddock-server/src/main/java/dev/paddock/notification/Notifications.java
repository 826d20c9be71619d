package dev.paddock.notification;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every notice to every channel, from one sender thread behind a bounded queue, so that neither HA nor the
 * thresholds ever wait for a mail server. Each delivery is tried {@code attempts} times with a doubling pause; one
 * that fails them all is logged with the whole notice and counted ({@link #failed}), and a notice the full queue
 * cannot take is logged and counted too ({@link #dropped}): none is lost without a trace.
 */
public final class Notifications implements Notifier, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

    /** How a channel's test went: delivered, or the sentence that says why not. */
    public record TestResult(boolean delivered, String detail) {}

    private final Channels channels;
    private final Delivery delivery;
    private final int attempts;
    private final Duration firstPause;
    private final BlockingQueue<Notice> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final Thread sender;
    private volatile boolean closing;

    public Notifications(Channels channels, int capacity, int attempts, Duration firstPause) {
        if (attempts < 1 || capacity < 1) {
            throw new IllegalArgumentException("notifications need at least one attempt and room for one notice");
        }
        this.channels = channels;
        this.delivery = new Delivery(channels);
        this.attempts = attempts;
        this.firstPause = firstPause;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sender = Thread.ofPlatform().name("notifications").daemon().start(this::send);
    }

    /** A thousand notices queued at most, three attempts 1 s then 2 s apart. */
    public static Notifications of(Channels channels) {
        return new Notifications(channels, 1000, 3, Duration.ofSeconds(1));
    }

    public Channels channels() {
        return channels;
    }

    @Override
    public void notify(Notice notice) {
        if (!queue.offer(notice)) {
            dropped.incrementAndGet();
            LOG.error("notification queue full: notice {} on {} dropped: {}", notice.kind(), notice.subjectId(),
                    notice.message());
        }
    }

    /** Sends {@code notice} through {@code channel} once, now, on the caller's thread: the channel's test. */
    public TestResult test(Channel channel, Notice notice) {
        try {
            delivery.send(channel, notice);
            return new TestResult(true, "Delivered through " + channel.target().kind() + " channel " + channel.name()
                    + ".");
        } catch (Delivery.Failed e) {
            return new TestResult(false, e.getMessage());
        }
    }

    /**
     * Counts on {@code /metrics}: deliveries made and lost after every attempt ({@code
     * paddock_notifications_total{outcome}}), notices dropped by a full queue.
     */
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("paddock.notifications", delivered, AtomicLong::get).tag("outcome", "delivered")
                .description("Deliveries of a notice to one channel, by outcome").register(registry);
        FunctionCounter.builder("paddock.notifications", failed, AtomicLong::get).tag("outcome", "failed")
                .description("Deliveries of a notice to one channel, by outcome").register(registry);
        FunctionCounter.builder("paddock.notifications.dropped", dropped, AtomicLong::get)
                .description("Notices dropped because the queue was full").register(registry);
    }

    /** Notices dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Deliveries to one channel that failed every attempt. */
    public long failed() {
        return failed.get();
    }

    /** Deliveries to one channel that succeeded. */
    public long delivered() {
        return delivered.get();
    }

    private void send() {
        while (!closing) {
            Notice notice;
            try {
                notice = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (notice == null) {
                continue;
            }
            List<Channel> all;
            try {
                all = channels.list();
            } catch (RuntimeException e) {
                LOG.error("notice {} on {} not sent: the channels could not be read ({}): {}", notice.kind(),
                        notice.subjectId(), e.getMessage(), notice.message());
                failed.incrementAndGet();
                continue;
            }
            all.forEach(channel -> deliver(channel, notice));
        }
    }

    private void deliver(Channel channel, Notice notice) {
        Duration pause = firstPause;
        for (int attempt = 1; attempt <= attempts && !closing; attempt++) {
            try {
                delivery.send(channel, notice);
                delivered.incrementAndGet();
                return;
            } catch (Delivery.Failed e) {
                LOG.warn("channel {}: notice {} on {} not delivered (attempt {}/{}): {}", channel.name(),
                        notice.kind(), notice.subjectId(), attempt, attempts, e.getMessage());
            } catch (RuntimeException e) {
                // a bug of ours or of a library must not end the sender thread, which every later notice needs
                LOG.error("channel {}: notice {} on {} failed (attempt {}/{})", channel.name(), notice.kind(),
                        notice.subjectId(), attempt, attempts, e);
            }
            if (attempt < attempts && !sleep(pause)) {
                break;
            }
            pause = pause.multipliedBy(2);
        }
        failed.incrementAndGet();
        LOG.error("channel {}: notice {} on {} at {} lost after {} attempts: {}", channel.name(), notice.kind(),
                notice.subjectId(), notice.at(), attempts, notice.message());
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
