package dev.paddock.archfixture;

import dev.paddock.model.Resources;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/** Keeps every rule of {@code PaddockRules}: time, threads and values all come from the caller. */
public final class Pure {

    private Pure() {}

    static Instant deadline(Clock clock, Duration budget) {
        return Instant.now(clock).plus(budget);
    }

    static boolean expired(LongSupplier nanoTime, long deadline) {
        return nanoTime.getAsLong() > deadline;
    }

    static void search(Executor threads, Runnable search) {
        threads.execute(search);
    }

    static Resources total(List<Resources> demands) {
        return demands.stream().reduce(Resources.of(0, 0, 0, 0), Resources::plus);
    }
}
