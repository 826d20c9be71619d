package dev.paddock.drs;

import java.time.Duration;
import java.util.Objects;

/**
 * How a cluster saves power (DPM): hosts go to standby (emptied, then powered off through their BMC) while the
 * others can carry the load, and come back before the load needs them.
 *
 * <p>Demand is the CPU the cluster's VMs use now and are forecast to use (the day before, from the same hour on).
 * A host is powered on when demand now or in the next hours would put the hosts that are on above {@code high},
 * enough of them to bring it down to {@code target}; one host goes to standby when demand now and over the next six
 * hours would stay under {@code low} on the hosts left, no host would be left above {@code high}, and admission
 * control still keeps its promise without it. Nothing goes to standby within {@code settle} of a power-on.
 *
 * @param mode off, recommend (decisions shown) or automatic (decisions run as operations)
 * @param high the CPU use, 0 to 1, of the hosts on above which a host is powered on
 * @param target what powering on aims for
 * @param low the CPU use under which, with one host fewer, a host goes to standby
 * @param minimumOn the fewest hosts left on, whatever the load (admission control may ask more)
 * @param settle how long after a power-on no host goes to standby
 */
public record PowerPolicy(BalancingPolicy.Mode mode, double high, double target, double low, int minimumOn,
        Duration settle) {

    /**
     * Off until asked; power on above 60 % to reach 50 %, standby under 40 %, at least 2 hosts, 1 hour to settle:
     * the room left above a host's use keeps a burst of a large VM under 90 %.
     */
    public static final PowerPolicy DEFAULT = new PowerPolicy(BalancingPolicy.Mode.OFF, 0.60, 0.50, 0.40, 2,
            Duration.ofHours(1));

    public PowerPolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(settle, "settle");
        if (!(low > 0 && low < target && target < high && high <= 1)) {
            throw new IllegalArgumentException("0 < low < target < high <= 1, was " + low + ", " + target + ", "
                    + high);
        }
        if (minimumOn < 1) {
            throw new IllegalArgumentException("at least one host stays on, not " + minimumOn);
        }
        if (settle.isNegative()) {
            throw new IllegalArgumentException("the settling time is never negative");
        }
    }

    public PowerPolicy withMode(BalancingPolicy.Mode newMode) {
        return new PowerPolicy(newMode, high, target, low, minimumOn, settle);
    }
}
