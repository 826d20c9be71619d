package dev.paddock.placement.roadef;

import java.util.Map;

/**
 * Best-known objective values of the challenge's set A, the yardstick of the placement benchmark.
 *
 * <p>a1_1 = 44,306,501 is proven optimal. The other values are the best results reported for set A in the
 * literature on the challenge (the challenge's final results on set A, ROADEF/EURO 2012, and the papers that
 * followed, e.g. Gavranović, Buljubašić, Demirović, "Variable neighborhood search for Google machine reassignment
 * problem", Electronic Notes in Discrete Mathematics 39, 2012; Canales, Riff, Montero, "A Simple and Efficient Local
 * Search Algorithm for the Machine Reassignment Problem", Applied Sciences 15(13) 7474, 2025). They were entered
 * from those publications' tables and could not be re-checked against the tables from this build's sources: each
 * lies above the lower bound of its lb_*.txt, as it must, but verify them against the cited tables before quoting
 * them (a2_1 in particular, whose lower bound is 0).
 */
public final class BestKnown {
    public static final long A1_1_OPTIMUM = 44_306_501L;

    public static final Map<String, Long> SET_A = Map.of(
            "a1_1", A1_1_OPTIMUM,
            "a1_2", 777_532_896L,
            "a1_3", 583_005_717L,
            "a1_4", 242_397_259L,
            "a1_5", 727_578_309L,
            "a2_1", 198L,
            "a2_2", 720_671_511L,
            "a2_3", 1_190_713_414L,
            "a2_4", 1_680_368_935L,
            "a2_5", 309_714_173L);

    private BestKnown() {}
}
