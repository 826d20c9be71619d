package dev.paddock.bench.placement;

import ai.timefold.solver.core.api.domain.entity.PlanningEntity;
import ai.timefold.solver.core.api.domain.common.PlanningId;
import ai.timefold.solver.core.api.domain.solution.PlanningEntityCollectionProperty;
import ai.timefold.solver.core.api.domain.solution.PlanningScore;
import ai.timefold.solver.core.api.domain.solution.PlanningSolution;
import ai.timefold.solver.core.api.domain.solution.ProblemFactCollectionProperty;
import ai.timefold.solver.core.api.domain.valuerange.ValueRangeProvider;
import ai.timefold.solver.core.api.domain.variable.PlanningVariable;
import ai.timefold.solver.core.api.score.HardSoftScore;
import ai.timefold.solver.core.api.score.stream.Constraint;
import ai.timefold.solver.core.api.score.stream.ConstraintCollectors;
import ai.timefold.solver.core.api.score.stream.ConstraintFactory;
import ai.timefold.solver.core.api.score.stream.ConstraintProvider;
import ai.timefold.solver.core.api.score.stream.Joiners;
import ai.timefold.solver.core.api.solver.SolutionManager;
import ai.timefold.solver.core.api.solver.SolverFactory;
import ai.timefold.solver.core.config.solver.SolverConfig;
import dev.paddock.placement.roadef.Assignment;
import dev.paddock.placement.roadef.MachineReassignment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The machine reassignment problem modelled with Timefold Solver's API (constraint streams, hard/soft long score),
 * as the baseline of the placement benchmark. Timefold starts from the initial assignment, which is feasible, so
 * its construction phase has nothing to do and its default local search runs for the whole budget.
 */
public final class TimefoldReassignment {
    private TimefoldReassignment() {}

    public static Assignment solve(MachineReassignment instance, Assignment initial, Duration budget, long seed) {
        SolverConfig config = config().withTerminationSpentLimit(budget).withRandomSeed(seed);
        Reassignment solved = SolverFactory.<Reassignment>create(config).buildSolver()
                .solve(Reassignment.of(instance, initial));
        int[] machines = new int[instance.processes()];
        for (ProcessAssignment a : solved.assignments) {
            machines[a.process.index] = a.machine.index;
        }
        return Assignment.of(machines);
    }

    /** Timefold's own score of an assignment: how the benchmark checks that this model is the challenge's. */
    public static HardSoftScore score(MachineReassignment instance, Assignment initial, Assignment solution) {
        Reassignment problem = Reassignment.of(instance, initial);
        for (ProcessAssignment a : problem.assignments) {
            a.machine = problem.machines.get(solution.machineOf(a.process.index));
        }
        SolverFactory<Reassignment> factory = SolverFactory.create(config());
        return SolutionManager.<Reassignment, HardSoftScore>create(factory).update(problem);
    }

    private static SolverConfig config() {
        return new SolverConfig()
                .withSolutionClass(Reassignment.class)
                .withEntityClasses(ProcessAssignment.class)
                .withConstraintProviderClass(Constraints.class);
    }

    public static final class Machine {
        final int index;
        final int neighborhood;
        final int location;
        final long[] capacity;
        final long[] safety;
        /** Machine move cost to every machine, already multiplied by the machine move weight. */
        final long[] weightedMoveCostTo;

        Machine(int index, int neighborhood, int location, long[] capacity, long[] safety, long[] moveCostTo) {
            this.index = index;
            this.neighborhood = neighborhood;
            this.location = location;
            this.capacity = capacity;
            this.safety = safety;
            this.weightedMoveCostTo = moveCostTo;
        }
    }

    public record Resource(int index, boolean isTransient, long loadWeight) {}

    public record Balance(int resource1, int resource2, long target, long weight) {
        long cost(long available1, long available2) {
            return weight * Math.max(0, target * available1 - available2);
        }
    }

    public record Service(int index, int spreadMin) {}

    public record Dependency(int service, int dependsOn) {}

    public record ServiceMoveWeight(long weight) {}

    public static final class Process {
        final int index;
        final Service service;
        final long[] requirement;
        /** Process move cost, already multiplied by the process move weight. */
        final long weightedMoveCost;
        final Machine original;

        Process(int index, Service service, long[] requirement, long weightedMoveCost, Machine original) {
            this.index = index;
            this.service = service;
            this.requirement = requirement;
            this.weightedMoveCost = weightedMoveCost;
            this.original = original;
        }
    }

    /** Where a process holds resources: its machine, and its original machine too while it moves (transient). */
    public record Presence(Machine machine, Process process) {}

    @PlanningEntity
    public static class ProcessAssignment {
        @PlanningId
        public Integer id;

        public Process process;

        @PlanningVariable
        public Machine machine;

        public ProcessAssignment() {}

        ProcessAssignment(Process process, Machine machine) {
            this.id = process.index;
            this.process = process;
            this.machine = machine;
        }

        boolean moved() {
            return machine != process.original;
        }

        List<Presence> presences() {
            return moved()
                    ? List.of(new Presence(machine, process), new Presence(process.original, process))
                    : List.of(new Presence(machine, process));
        }
    }

    @PlanningSolution
    public static class Reassignment {
        @ProblemFactCollectionProperty
        @ValueRangeProvider
        public List<Machine> machines;

        @ProblemFactCollectionProperty
        public List<Resource> resources;

        @ProblemFactCollectionProperty
        public List<Balance> balances;

        @ProblemFactCollectionProperty
        public List<Service> services;

        @ProblemFactCollectionProperty
        public List<Dependency> dependencies;

        @ProblemFactCollectionProperty
        public List<ServiceMoveWeight> serviceMoveWeight;

        @PlanningEntityCollectionProperty
        public List<ProcessAssignment> assignments;

        @PlanningScore
        public HardSoftScore score;

        public Reassignment() {}

        public HardSoftScore getScore() {
            return score;
        }

        public void setScore(HardSoftScore score) {
            this.score = score;
        }

        static Reassignment of(MachineReassignment in, Assignment initial) {
            Reassignment r = new Reassignment();
            r.machines = new ArrayList<>();
            for (int m = 0; m < in.machines(); m++) {
                long[] capacity = new long[in.resources()];
                long[] safety = new long[in.resources()];
                for (int k = 0; k < in.resources(); k++) {
                    capacity[k] = in.capacity(m, k);
                    safety[k] = in.safetyCapacity(m, k);
                }
                long[] moveCost = new long[in.machines()];
                for (int to = 0; to < in.machines(); to++) {
                    moveCost[to] = in.machineMoveWeight() * in.machineMoveCost(m, to);
                }
                r.machines.add(new Machine(m, in.neighborhood(m), in.location(m), capacity, safety, moveCost));
            }
            r.resources = new ArrayList<>();
            for (int k = 0; k < in.resources(); k++) {
                r.resources.add(new Resource(k, in.isTransient(k), in.loadCostWeight(k)));
            }
            r.balances = in.balances().stream()
                    .map(b -> new Balance(b.resource1(), b.resource2(), b.target(), b.weight())).toList();
            r.services = new ArrayList<>();
            r.dependencies = new ArrayList<>();
            for (int s = 0; s < in.services(); s++) {
                r.services.add(new Service(s, in.spreadMin(s)));
                for (int d : in.dependencies(s)) {
                    r.dependencies.add(new Dependency(s, d));
                }
            }
            r.serviceMoveWeight = List.of(new ServiceMoveWeight(in.serviceMoveWeight()));
            r.assignments = new ArrayList<>();
            for (int p = 0; p < in.processes(); p++) {
                long[] requirement = new long[in.resources()];
                for (int k = 0; k < in.resources(); k++) {
                    requirement[k] = in.requirement(p, k);
                }
                Machine original = r.machines.get(initial.machineOf(p));
                Process process = new Process(p, r.services.get(in.serviceOf(p)), requirement,
                        in.processMoveWeight() * in.processMoveCost(p), original);
                r.assignments.add(new ProcessAssignment(process, original));
            }
            return r;
        }
    }

    /** The challenge's hard constraints and objective, term by term. */
    public static final class Constraints implements ConstraintProvider {
        @Override
        public Constraint[] defineConstraints(ConstraintFactory f) {
            return new Constraint[] {
                capacity(f), transientUsage(f), conflict(f), spread(f), dependency(f),
                load(f), balance(f), balanceOfEmptyMachines(f), processMove(f), serviceMove(f), machineMove(f)
            };
        }

        private Constraint capacity(ConstraintFactory f) {
            return f.forEach(ProcessAssignment.class)
                    .join(Resource.class)
                    .groupBy((a, r) -> a.machine, (a, r) -> r,
                            ConstraintCollectors.sum((ProcessAssignment a, Resource r) -> a.process.requirement[r.index()]))
                    .filter((m, r, used) -> used > m.capacity[r.index()])
                    .penalize(HardSoftScore.ONE_HARD, (m, r, used) -> used - m.capacity[r.index()])
                    .asConstraint("capacity");
        }

        /** Every process holds its requirement on its machine, and on its original machine while it moves. */
        private Constraint transientUsage(ConstraintFactory f) {
            return f.forEach(ProcessAssignment.class)
                    .flattenLast(ProcessAssignment::presences)
                    .join(f.forEach(Resource.class).filter(Resource::isTransient))
                    .groupBy((p, r) -> p.machine(), (p, r) -> r,
                            ConstraintCollectors.sum((Presence p, Resource r) -> p.process().requirement[r.index()]))
                    .filter((m, r, held) -> held > m.capacity[r.index()])
                    .penalize(HardSoftScore.ONE_HARD, (m, r, held) -> held - m.capacity[r.index()])
                    .asConstraint("transient usage");
        }

        private Constraint conflict(ConstraintFactory f) {
            return f.forEachUniquePair(ProcessAssignment.class,
                            Joiners.equal((ProcessAssignment a) -> a.process.service),
                            Joiners.equal((ProcessAssignment a) -> a.machine))
                    .penalize(HardSoftScore.ONE_HARD)
                    .asConstraint("conflict");
        }

        private Constraint spread(ConstraintFactory f) {
            return f.forEach(ProcessAssignment.class)
                    .groupBy(a -> a.process.service, ConstraintCollectors.countDistinct(a -> a.machine.location))
                    .filter((s, locations) -> locations < s.spreadMin())
                    .penalize(HardSoftScore.ONE_HARD, (s, locations) -> s.spreadMin() - locations)
                    .asConstraint("spread");
        }

        private Constraint dependency(ConstraintFactory f) {
            return f.forEach(ProcessAssignment.class)
                    .join(Dependency.class, Joiners.equal(a -> a.process.service.index(), Dependency::service))
                    .ifNotExists(ProcessAssignment.class,
                            Joiners.equal((a, d) -> d.dependsOn(), b -> b.process.service.index()),
                            Joiners.equal((a, d) -> a.machine.neighborhood, b -> b.machine.neighborhood))
                    .penalize(HardSoftScore.ONE_HARD)
                    .asConstraint("dependency");
        }

        private Constraint load(ConstraintFactory f) {
            return f.forEach(ProcessAssignment.class)
                    .join(Resource.class)
                    .groupBy((a, r) -> a.machine, (a, r) -> r,
                            ConstraintCollectors.sum((ProcessAssignment a, Resource r) -> a.process.requirement[r.index()]))
                    .filter((m, r, used) -> used > m.safety[r.index()])
                    .penalize(HardSoftScore.ONE_SOFT, (m, r, used) -> r.loadWeight() * (used - m.safety[r.index()]))
                    .asConstraint("load");
        }

        private Constraint balance(ConstraintFactory f) {
            return f.forEach(ProcessAssignment.class)
                    .join(Balance.class)
                    .groupBy((a, b) -> a.machine, (a, b) -> b,
                            ConstraintCollectors.sum((ProcessAssignment a, Balance b) -> a.process.requirement[b.resource1()]),
                            ConstraintCollectors.sum((ProcessAssignment a, Balance b) -> a.process.requirement[b.resource2()]))
                    .penalize(HardSoftScore.ONE_SOFT, (m, b, used1, used2) ->
                            b.cost(m.capacity[b.resource1()] - used1, m.capacity[b.resource2()] - used2))
                    .asConstraint("balance");
        }

        private Constraint balanceOfEmptyMachines(ConstraintFactory f) {
            return f.forEach(Machine.class)
                    .join(Balance.class)
                    .ifNotExists(ProcessAssignment.class, Joiners.equal((m, b) -> m, a -> a.machine))
                    .penalize(HardSoftScore.ONE_SOFT,
                            (m, b) -> b.cost(m.capacity[b.resource1()], m.capacity[b.resource2()]))
                    .asConstraint("balance of empty machines");
        }

        private Constraint processMove(ConstraintFactory f) {
            return f.forEach(ProcessAssignment.class)
                    .filter(ProcessAssignment::moved)
                    .penalize(HardSoftScore.ONE_SOFT, a -> a.process.weightedMoveCost)
                    .asConstraint("process move");
        }

        private Constraint serviceMove(ConstraintFactory f) {
            return f.forEach(ProcessAssignment.class)
                    .filter(ProcessAssignment::moved)
                    .groupBy(a -> a.process.service, ConstraintCollectors.count())
                    .groupBy(ConstraintCollectors.max((Service s, Long moved) -> moved))
                    .join(ServiceMoveWeight.class)
                    .penalize(HardSoftScore.ONE_SOFT, (most, w) -> w.weight() * most)
                    .asConstraint("service move");
        }

        private Constraint machineMove(ConstraintFactory f) {
            return f.forEach(ProcessAssignment.class)
                    .filter(ProcessAssignment::moved)
                    .penalize(HardSoftScore.ONE_SOFT, a -> a.process.original.weightedMoveCostTo[a.machine.index])
                    .asConstraint("machine move");
        }
    }
}
