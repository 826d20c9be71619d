package dev.paddock.backup;

import dev.paddock.model.Vm;
import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A backup job: the VMs it covers are backed up into one repository at each round of its {@link Cadence}, and each
 * VM's restore points are then held to its retention (forgotten only: pruning stays its own act).
 *
 * @param repositoryId the repository's id (the name may change hands; the id does not)
 * @param retention applied to a VM's points after each of its backups that succeeds; empty keeps them all
 * @param owner the user who made it: the owner of the operations its rounds start
 * @param lastRound when its last round started; empty before the first
 */
public record BackupSchedule(String id, String name, String repositoryId, Coverage coverage, Cadence cadence,
        Optional<RetentionPolicy> retention, boolean enabled, String owner, Instant created,
        Optional<Instant> lastRound) {

    public BackupSchedule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(repositoryId, "repositoryId");
        Objects.requireNonNull(coverage, "coverage");
        Objects.requireNonNull(cadence, "cadence");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(lastRound, "lastRound");
    }

    /**
     * What a schedule backs up: VMs by id, every VM of a cluster, every VM of an affinity group. Clusters and groups
     * are read at each round, so a VM added to one later is covered from then on.
     */
    public record Coverage(Set<String> vms, Set<String> clusters, Set<String> groups) {
        public Coverage {
            vms = Set.copyOf(vms);
            clusters = Set.copyOf(clusters);
            groups = Set.copyOf(groups);
        }

        public boolean covers(Vm vm) {
            return vms.contains(vm.id()) || clusters.contains(vm.clusterId())
                    || !Collections.disjoint(groups, vm.affinityGroups());
        }

        public boolean isEmpty() {
            return vms.isEmpty() && clusters.isEmpty() && groups.isEmpty();
        }
    }

    /** When its next round is due; empty while it is disabled. */
    public Optional<Instant> nextRound() {
        return enabled ? Optional.of(cadence.due(lastRound, created)) : Optional.empty();
    }
}
