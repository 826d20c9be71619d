package dev.paddock.monitoring;

import dev.paddock.hypervisor.DomainStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The usage the sampler recorded, per host and per VM: its bounded {@link Series}, its latest {@link Usage}, a VM's
 * latest counters (what {@code /metrics} exports as totals) and when it last answered. The sampler's thread writes;
 * the API and {@code /metrics} read from theirs.
 */
public final class UsageBook {

    private final Map<String, Book> books = new ConcurrentHashMap<>();

    /** One subject's record; its series is guarded by the object itself. */
    private static final class Book {
        final Series series = new Series();
        volatile Usage latest;
        volatile DomainStats counters;
        volatile Instant seen;
    }

    void add(String id, Usage usage) {
        Book book = books.computeIfAbsent(id, key -> new Book());
        synchronized (book) {
            book.series.add(usage);
        }
        book.latest = usage;
        book.seen = usage.at();
    }

    /** A VM answered with {@code counters} at {@code at}, rates or not (its first read has none). */
    void seen(String id, DomainStats counters, Instant at) {
        Book book = books.computeIfAbsent(id, key -> new Book());
        book.counters = counters;
        book.seen = at;
    }

    /** A VM its host no longer runs: it has no latest usage until it runs again (its series stays). */
    void stopped(String id) {
        Book book = books.get(id);
        if (book != null) {
            book.latest = null;
        }
    }

    public Optional<Usage> latest(String id) {
        return Optional.ofNullable(books.get(id)).map(book -> book.latest);
    }

    /** The latest usage if it is no older than {@code freshness} at {@code now}: a silent host's is not. */
    public Optional<Usage> fresh(String id, Instant now, Duration freshness) {
        return latest(id).filter(usage -> !usage.at().isBefore(now.minus(freshness)));
    }

    public Optional<DomainStats> counters(String id) {
        return Optional.ofNullable(books.get(id)).map(book -> book.counters);
    }

    /** When the subject last answered a sample. */
    public Optional<Instant> seen(String id) {
        return Optional.ofNullable(books.get(id)).map(book -> book.seen);
    }

    public List<Series.Point> points(String id, Instant from, Instant to, Duration step, Instant now) {
        Book book = books.get(id);
        if (book == null) {
            return List.of();
        }
        synchronized (book) {
            return book.series.points(from, to, step, now);
        }
    }

    /** Forgets every subject but those of {@code kept}: VMs and hosts deleted from the inventory. */
    void keepOnly(Set<String> kept) {
        books.keySet().retainAll(kept);
    }

    public int size() {
        return books.size();
    }
}
