package dev.paddock.replication;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Restore points shipped from one of this server's repositories to a repository of another site's Paddock.
 *
 * @param source the id of the local repository points are read from
 * @param target the other Paddock's base URL ({@code https://site-b:8443})
 * @param targetRepository the name (or id) of the repository there
 * @param caCertificate the PEM certificates to trust for an HTTPS target; empty for the JDK's default trust
 * @param bandwidth bytes a second the uploads may use together; 0 for no limit
 * @param vms the VM ids whose points are shipped; empty for every VM with a point in the source
 * @param interval how often a round runs (15 s at least)
 * @param rpoTarget the recovery point a VM's newest point at the target must stay within; beyond it, an alarm
 * @param streams uploads in parallel, 2 to 4
 */
public record Replication(String id, String name, String source, URI target, String targetRepository,
        Optional<String> caCertificate, long bandwidth, List<String> vms, Duration interval, Duration rpoTarget,
        int streams, Instant created) {

    public static final Duration SHORTEST_INTERVAL = Duration.ofSeconds(15);

    public Replication {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
        vms = List.copyOf(vms);
        if (interval.compareTo(SHORTEST_INTERVAL) < 0) {
            throw new IllegalArgumentException("a replication runs every 15 s at most often, not every "
                    + interval.toSeconds() + " s");
        }
        if (rpoTarget.isNegative() || rpoTarget.isZero()) {
            throw new IllegalArgumentException("a replication's recovery point target is a positive duration");
        }
        if (bandwidth < 0) {
            throw new IllegalArgumentException("a bandwidth limit is 0 (none) or a positive count of bytes a second");
        }
        if (streams < 2 || streams > 4) {
            throw new IllegalArgumentException("a replication uploads over 2 to 4 streams, not " + streams);
        }
    }
}
