package dev.paddock.replication;

import java.util.List;
import java.util.Optional;

/** Where the server keeps its replications, their API tokens (sealed), and each VM's place at the target. */
public interface Replications {

    /** Adds a replication with the token it presents to the target; a name taken is an IllegalArgumentException. */
    void put(Replication replication, String token);

    List<Replication> list();

    Optional<Replication> get(String id);

    Optional<Replication> byName(String name);

    /** The token, opened. */
    String token(String id);

    /** Forgets the replication and its VMs' records; false when there was none. */
    boolean delete(String id);

    /** Records the last round's outcome. */
    void recordRound(String id, Round round);

    Optional<Round> lastRound(String id);

    /** Records (or replaces) where a VM stands at the replication's target. */
    void recordVm(String id, VmReplica replica);

    List<VmReplica> vms(String id);
}
