package dev.paddock.placement.consolidation;

import dev.paddock.model.Resources;
import java.util.ArrayList;
import java.util.List;

/**
 * A physical server to turn into VMs, with its measured utilisation, what runs on it and what it costs.
 *
 * @param cpuUtilisation peak CPU use in percent of {@code cpuCores}
 * @param memoryUtilisation peak memory use in percent of {@code memoryGib}
 * @param cpuAverage average CPU use in percent of {@code cpuCores} (the "before" chart)
 * @param applications what runs on it; each becomes one VM. Empty means one VM named after the server
 * @param antiAffinity its applications' VMs must land on distinct hosts
 * @param licences licences installed on the server; every VM made from it keeps them
 * @param watts measured power draw
 * @param cost purchase cost
 */
public record PhysicalServer(String name, int cpuCores, double cpuUtilisation, long memoryGib,
        double memoryUtilisation, long diskGib, long networkMbps, double cpuAverage, List<Application> applications,
        boolean antiAffinity, List<String> licences, long watts, long cost) {

    /**
     * An application on a server and its share of the server's demand, in percent. When no application of a server
     * names a share, the demand is split evenly.
     */
    public record Application(String name, double share) {}

    public PhysicalServer {
        applications = List.copyOf(applications);
        licences = List.copyOf(licences);
    }

    /** A server with one application, no licences and no known power or cost. */
    public PhysicalServer(String name, int cpuCores, double cpuUtilisation, long memoryGib, double memoryUtilisation,
            long diskGib, long networkMbps) {
        this(name, cpuCores, cpuUtilisation, memoryGib, memoryUtilisation, diskGib, networkMbps, cpuUtilisation,
                List.of(), false, List.of(), 0, 0);
    }

    /** What the VMs replacing it need together: measured peaks plus {@code headroomPercent}, disk and network as they are. */
    public Resources demand(int headroomPercent) {
        double grow = 1 + headroomPercent / 100.0;
        long cpu = (long) Math.ceil(cpuCores * 1000 * cpuUtilisation / 100 * grow);
        long memory = (long) Math.ceil(memoryGib * 1024 * memoryUtilisation / 100 * grow);
        return Resources.of(Math.max(1, cpu), Math.max(1, memory), diskGib, networkMbps);
    }

    /** One VM of a split server: its name and what it needs. */
    public record VmDemand(String name, String application, Resources demand) {}

    /**
     * The server split into one VM per application, each needing its share of {@link #demand} (rounded up, at least
     * one millicore and one MiB). A server with no or one application gives one VM named after the server; several
     * give {@code server-application}.
     */
    public List<VmDemand> split(int headroomPercent) {
        Resources whole = demand(headroomPercent);
        if (applications.size() <= 1) {
            String app = applications.isEmpty() ? name : applications.get(0).name();
            return List.of(new VmDemand(name, app, whole));
        }
        double given = applications.stream().mapToDouble(Application::share).sum();
        List<VmDemand> vms = new ArrayList<>();
        for (Application app : applications) {
            double share = given > 0 ? app.share() / given : 1.0 / applications.size();
            vms.add(new VmDemand(name + "-" + app.name(), app.name(), Resources.of(
                    Math.max(1, (long) Math.ceil(whole.cpuMillicores() * share)),
                    Math.max(1, (long) Math.ceil(whole.memoryMib() * share)),
                    (long) Math.ceil(whole.diskGib() * share),
                    (long) Math.ceil(whole.networkMbps() * share))));
        }
        return vms;
    }
}
