package dev.paddock.libvirt;

import dev.paddock.hypervisor.HypervisorException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.libvirt.Domain;
import org.libvirt.Domain.GetJobStatsFlags;
import org.libvirt.DomainJobStats;
import org.libvirt.LibvirtException;
import org.libvirt.TypedParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a running migration job from the source: reports progress (memory and disk processed over memory and
 * disk total: a migration that copies storage mirrors the disks first, then the memory)
 * and applies the maximum downtime once the job exists, since libvirt sets it on the running job only.
 */
final class MigrationWatch implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationWatch.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Domain domain;
    private final Optional<Duration> maxDowntime;
    private final Consumer<Double> progress;
    private volatile boolean stopped;

    MigrationWatch(Domain domain, Optional<Duration> maxDowntime, Consumer<Double> progress) {
        this.domain = domain;
        this.maxDowntime = maxDowntime;
        this.progress = progress;
    }

    /** What a finished migration took, from the destination's record of the completed job. */
    record Completed(Duration downtime, long bytes) {}

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        boolean downtimeSet = maxDowntime.isEmpty();
        double last = 0;
        while (!stopped && !Thread.currentThread().isInterrupted()) {
            try {
                DomainJobStats stats = domain.getJobStats(0);
                if (stats.type == Domain.JobType.BOUNDED || stats.type == Domain.JobType.UNBOUNDED) {
                    if (!downtimeSet) {
                        domain.migrateSetMaxDowntime(maxDowntime.get().toMillis());
                        downtimeSet = true;
                    }
                    long total = number(stats.stats, "memory_total") + number(stats.stats, "disk_total");
                    long processed = number(stats.stats, "memory_processed")
                            + number(stats.stats, "disk_processed");
                    // Pages dirtied during the copy make "processed" run past "total"; stop short of done.
                    double fraction = total > 0 ? Math.min(0.99, (double) processed / total) : last;
                    if (fraction > last) {
                        last = fraction;
                        progress.accept(fraction);
                    }
                }
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                return;
            } catch (LibvirtException | HypervisorException e) {
                LOG.debug("migration job stats: {}", e.getMessage());
                try {
                    Thread.sleep(POLL);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    static Completed completed(Domain moved) {
        try {
            DomainJobStats stats = moved.getJobStats(GetJobStatsFlags.COMPLETED);
            long bytes = Math.max(number(stats.stats, "data_processed"), number(stats.stats, "memory_processed"));
            return new Completed(Duration.ofMillis(number(stats.stats, "downtime")), bytes);
        } catch (LibvirtException e) {
            LOG.debug("no completed job stats on the destination: {}", e.getMessage());
            return new Completed(Duration.ZERO, 0);
        }
    }

    static long number(TypedParameter[] stats, String field) {
        if (stats == null) {
            return 0;
        }
        for (TypedParameter parameter : stats) {
            if (field.equals(parameter.field)) {
                try {
                    return Long.parseLong(parameter.getValueAsString());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }
}
