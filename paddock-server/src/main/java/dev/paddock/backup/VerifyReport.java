package dev.paddock.backup;

import java.util.List;

/** What {@code verify} read: every chunk the points name, and each one that is missing or corrupt. */
public record VerifyReport(int points, int chunksRead, long bytesRead, List<Problem> problems) {

    public VerifyReport {
        problems = List.copyOf(problems);
    }

    public boolean clean() {
        return problems.isEmpty();
    }

    public enum Kind { MISSING, CORRUPT }

    /** A chunk that cannot be read back, why, and the restore points that need it. */
    public record Problem(String chunk, Kind kind, String why, List<String> points) {

        public Problem {
            points = List.copyOf(points);
        }
    }
}
