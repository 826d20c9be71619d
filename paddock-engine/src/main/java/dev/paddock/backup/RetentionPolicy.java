package dev.paddock.backup;

/**
 * How many restore points a VM keeps: the {@code last} newest, the newest of each of the {@code daily} most recent
 * days that have a point, and the newest of each of the {@code weekly} most recent ISO weeks that have one. A point
 * kept by any rule is kept; the rules count independently (as restic's and Borg's do).
 */
public record RetentionPolicy(int last, int daily, int weekly) {

    public RetentionPolicy {
        if (last < 0 || daily < 0 || weekly < 0) {
            throw new IllegalArgumentException("a retention count is never negative");
        }
        if (last + daily + weekly == 0) {
            throw new IllegalArgumentException("a retention policy keeps at least one restore point");
        }
    }
}
