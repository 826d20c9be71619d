package dev.paddock.placement.roadef;

/**
 * The challenge's objective, by part, each already multiplied by its weight.
 *
 * @param load Σ over resources r of weight(r) × Σ over machines of max(0, usage − safety capacity)
 * @param balance Σ over balance objectives of weight × Σ over machines of max(0, target × A(r1) − A(r2)), where
 *     A(r) is the capacity of r left on the machine
 * @param processMove process move weight × Σ of the move costs of the processes not on their initial machine
 * @param serviceMove service move weight × the largest number of moved processes in one service
 * @param machineMove machine move weight × Σ of the machine move costs from initial to final machine
 */
public record Cost(long load, long balance, long processMove, long serviceMove, long machineMove) {
    public long total() {
        return Math.addExact(Math.addExact(Math.addExact(load, balance), Math.addExact(processMove, serviceMove)),
                machineMove);
    }
}
