package dev.paddock.placement.roadef;

/**
 * A hand-written instance small enough to check by hand: two resources (r0 transient), four machines in two
 * neighborhoods and two locations, three services (s0 needs two locations, s1 depends on s0), four processes.
 */
final class TinyInstance {
    private TinyInstance() {}

    static final String MODEL = """
            2
            1 10
            0 10
            4
            0 0 10 10 8 8 0 1 2 3
            0 1 10 10 8 8 1 0 1 2
            1 0 10 10 8 8 2 1 0 1
            1 1 10 10 4 4 3 2 1 0
            3
            2 0
            1 1 0
            1 0
            4
            0 5 1 1
            0 5 1 1
            1 2 2 1
            2 4 4 1
            1
            0 1 2
            1
            1 10 100
            """;

    /** p0 on m0, p1 on m1, p2 on m0, p3 on m2: feasible. */
    static Assignment initial() {
        return Assignment.of(0, 1, 0, 2);
    }

    static MachineReassignment model() {
        return RoadefFormat.parseModel(MODEL, "tiny");
    }
}
