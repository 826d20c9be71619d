package dev.paddock.drs;

import dev.paddock.model.Vm;

/**
 * One migration a balancing round makes, with what it is for.
 *
 * @param reason why the VM moves: a broken anti-affinity rule, or balance
 * @param imbalanceBefore the cluster's imbalance before this move, in points
 * @param imbalanceAfter after it
 * @param sourceBefore the CPU use of the host it leaves, 0 to 1, before the move
 * @param sourceAfter after it
 * @param targetBefore the CPU use of the host it goes to, before the move
 * @param targetAfter after it
 * @param copyBytes what the migration copies: the memory in use, and local disks
 * @param seconds about how long the migration takes on the migration network, the guest writing as it does
 * @param explanation the sentence a person reads
 */
public record BalanceMove(Vm vm, String fromHostId, String toHostId, Reason reason, double imbalanceBefore,
        double imbalanceAfter, double sourceBefore, double sourceAfter, double targetBefore, double targetAfter,
        long copyBytes, double seconds, String explanation) {

    public enum Reason {
        ANTI_AFFINITY, BALANCE;

        public String label() {
            return this == ANTI_AFFINITY ? "anti-affinity" : "balance";
        }
    }
}
