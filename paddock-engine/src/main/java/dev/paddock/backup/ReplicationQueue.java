package dev.paddock.backup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which restore points a replication round ships to the target repository. Pure: points in, the list to send out.
 *
 * <p>For each VM the replication covers, the local points newer than the newest point the target holds of that VM,
 * oldest first, VM after VM in the order of their ids: the target then catches up point by point, so its newest
 * point, and with it the VM's recovery point, moves forward with every commit. A local point older than the target's
 * newest is not sent, even if the target lacks it: the target's own retention may have forgotten it, and sending it
 * back would fight that retention without improving any recovery point.
 */
public final class ReplicationQueue {

    private ReplicationQueue() {}

    /** A restore point as replication sees it: its id, its VM, and when it was taken. */
    public record Stamp(String id, String vm, Instant taken) {}

    /**
     * @param local the source repository's points
     * @param remote the target repository's points
     * @param vms the VMs covered; empty for every VM with a local point
     */
    public static List<Stamp> toSend(List<Stamp> local, List<Stamp> remote, Set<String> vms) {
        Set<String> there = new HashSet<>();
        Map<String, Instant> newestThere = new HashMap<>();
        for (Stamp point : remote) {
            there.add(point.id());
            newestThere.merge(point.vm(), point.taken(), (a, b) -> a.isAfter(b) ? a : b);
        }
        Set<String> covered = new TreeSet<>(vms);
        if (covered.isEmpty()) {
            local.forEach(point -> covered.add(point.vm()));
        }
        List<Stamp> send = new ArrayList<>();
        for (String vm : covered) {
            Optional<Instant> newest = Optional.ofNullable(newestThere.get(vm));
            local.stream()
                    .filter(point -> point.vm().equals(vm) && !there.contains(point.id()))
                    .filter(point -> newest.isEmpty() || point.taken().isAfter(newest.get()))
                    .sorted(Comparator.comparing(Stamp::taken).thenComparing(Stamp::id))
                    .forEach(send::add);
        }
        return send;
    }

    /** The newest point of each VM among {@code points}. */
    public static Map<String, Stamp> newestByVm(List<Stamp> points) {
        Map<String, Stamp> newest = new HashMap<>();
        for (Stamp point : points) {
            newest.merge(point.vm(), point, (a, b) -> b.taken().isAfter(a.taken()) ? b : a);
        }
        return newest;
    }
}
