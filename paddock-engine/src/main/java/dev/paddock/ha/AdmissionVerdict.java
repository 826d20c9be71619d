package dev.paddock.ha;

import java.util.List;

/** Whether a cluster can still absorb the failures it promises to tolerate. */
public sealed interface AdmissionVerdict permits AdmissionVerdict.Admitted, AdmissionVerdict.Refused {

    boolean admitted();

    /** Every combination of up to {@code toleratedFailures} hosts was failed in plan, and every restart fitted. */
    record Admitted(String clusterId, int toleratedFailures, int failureSetsChecked) implements AdmissionVerdict {
        public boolean admitted() {
            return true;
        }
    }

    /**
     * The failure of {@code failedHostIds} could not be absorbed.
     *
     * @param reason one sentence for the user: which failure, which VMs, short by how much
     */
    record Refused(String clusterId, int toleratedFailures, List<String> failedHostIds, List<Unplaced> unplaced,
            String reason) implements AdmissionVerdict {
        public Refused {
            failedHostIds = List.copyOf(failedHostIds);
            unplaced = List.copyOf(unplaced);
        }

        public boolean admitted() {
            return false;
        }
    }
}
