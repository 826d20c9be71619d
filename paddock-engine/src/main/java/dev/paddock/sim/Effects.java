package dev.paddock.sim;

/**
 * How many times a domain was really changed: a call that was a no-op (starting a running domain, destroying a
 * stopped one) does not count. A test reads them to prove that a step that ran twice acted once.
 *
 * @param stopped guest shutdowns that completed
 */
public record Effects(int defined, int started, int stopped, int destroyed, int undefined, int migrated) {

    public static final Effects NONE = new Effects(0, 0, 0, 0, 0, 0);

    Effects plusDefined() {
        return new Effects(defined + 1, started, stopped, destroyed, undefined, migrated);
    }

    Effects plusStarted() {
        return new Effects(defined, started + 1, stopped, destroyed, undefined, migrated);
    }

    Effects plusStopped() {
        return new Effects(defined, started, stopped + 1, destroyed, undefined, migrated);
    }

    Effects plusDestroyed() {
        return new Effects(defined, started, stopped, destroyed + 1, undefined, migrated);
    }

    Effects plusUndefined() {
        return new Effects(defined, started, stopped, destroyed, undefined + 1, migrated);
    }

    Effects plusMigrated() {
        return new Effects(defined, started, stopped, destroyed, undefined, migrated + 1);
    }
}
