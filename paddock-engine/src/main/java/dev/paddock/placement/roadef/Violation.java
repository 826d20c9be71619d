package dev.paddock.placement.roadef;

import java.util.List;

/** A hard constraint of the challenge that an assignment breaks, with the ids that break it. */
public sealed interface Violation {

    /** The constraint's name as the challenge's subject gives it. */
    String constraint();

    /** Usage of a resource on a machine above its capacity. */
    record Capacity(int machine, int resource, long usage, long capacity) implements Violation {
        public String constraint() {
            return "capacity";
        }
    }

    /** Two processes of one service on the same machine. */
    record Conflict(int service, int machine, int process1, int process2) implements Violation {
        public String constraint() {
            return "conflict";
        }
    }

    /** A service whose processes run in fewer distinct locations than its spread min. */
    record Spread(int service, int locations, int spreadMin) implements Violation {
        public String constraint() {
            return "spread";
        }
    }

    /** A process of a service in a neighborhood where a service it depends on has no process. */
    record Dependency(int process, int service, int dependsOn, int neighborhood) implements Violation {
        public String constraint() {
            return "dependency";
        }
    }

    /**
     * A transient resource over capacity on a machine once the processes moving away from it are counted as well:
     * they hold it until they have left.
     */
    record TransientUsage(int machine, int resource, long usage, long capacity, List<Integer> leaving)
            implements Violation {
        public TransientUsage {
            leaving = List.copyOf(leaving);
        }

        public String constraint() {
            return "transient usage";
        }
    }
}
