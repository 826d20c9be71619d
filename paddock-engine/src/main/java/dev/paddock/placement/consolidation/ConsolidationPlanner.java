package dev.paddock.placement.consolidation;

import dev.paddock.model.Resources;
import dev.paddock.placement.packing.BinEmptyingSearch;
import dev.paddock.placement.packing.FitDecreasing;
import dev.paddock.placement.packing.Packing;
import dev.paddock.placement.packing.PackingProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Physical servers to VMs, one per server, packed on as few hosts of one model as fit, plus one spare host so that
 * the loss of any host can be absorbed (N+1): the spare alone can take every VM of any one host.
 *
 * <p>Pure but for the time budget of the packing search (bounded by {@code maxTries} for a seeded, repeatable plan).
 */
public final class ConsolidationPlanner {
    private ConsolidationPlanner() {}

    /** One VM of the plan: the server it replaces, what it needs, and the host it lands on (0-based). */
    public record Migration(String server, Resources demand, int host) {}

    /**
     * @param hostsForLoad hosts the VMs need, the volume bound can be lower
     * @param hostsWithSpare {@code hostsForLoad + 1}: what to buy or keep (N+1)
     * @param serversSaved physical servers retired minus the hosts kept
     */
    public record Plan(Resources hostModel, int servers, int hostsForLoad, int hostsWithSpare, int serversSaved,
            List<Migration> migrations) {
        public Plan {
            migrations = List.copyOf(migrations);
        }
    }

    public static Plan plan(List<PhysicalServer> servers, Resources hostModel, int headroomPercent,
            Duration budget, long seed, long maxTries) {
        List<Resources> demands = new ArrayList<>();
        for (PhysicalServer server : servers) {
            Resources demand = server.demand(headroomPercent);
            if (!demand.fitsIn(hostModel)) {
                throw new ServerInventory.InvalidInventoryException("server " + server.name() + " needs " + demand
                        + ", more than one host offers (" + hostModel + ")");
            }
            demands.add(demand);
        }
        if (demands.isEmpty()) {
            return new Plan(hostModel, 0, 0, 0, 0, List.of());
        }
        PackingProblem problem = new PackingProblem(hostModel, demands, 0);
        Packing ffd = FitDecreasing.FIRST_FIT.pack(problem);
        Packing bfd = FitDecreasing.BEST_FIT.pack(problem);
        Packing packing = BinEmptyingSearch.improve(problem, bfd.bins() < ffd.bins() ? bfd : ffd, budget, seed,
                maxTries);
        List<Migration> migrations = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            migrations.add(new Migration(servers.get(i).name(), demands.get(i), packing.binOf(i)));
        }
        int withSpare = packing.bins() + 1;
        return new Plan(hostModel, servers.size(), packing.bins(), withSpare, servers.size() - withSpare,
                migrations);
    }
}
