package dev.paddock.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A day of CPU load for a set of VMs, minute by minute, drawn from a seed: what balancing and power saving are run
 * against in the simulator when no public trace can be fetched.
 *
 * <p>The shapes follow what public traces of VM utilisation show (Bitbrains GWA-T-12, the Azure VM traces): most VMs
 * are small and mostly idle; office-hours services rise from about 8:00 to 19:00, batch services run at night, the
 * rest stay flat; every VM has minute-to-minute noise; and bursts of tens of minutes come at random times. Each VM's
 * peak shifts by up to 45 minutes so that the room does not move in step.
 */
public final class DayOfLoad {

    public static final int MINUTES = 1_440;

    /** What one VM does over the day. */
    public enum Kind {
        OFFICE, BATCH, FLAT
    }

    private final Map<String, short[]> millicores;
    private final Map<String, Integer> vcpus;
    private final Map<String, Kind> kinds;

    private DayOfLoad(Map<String, short[]> millicores, Map<String, Integer> vcpus, Map<String, Kind> kinds) {
        this.millicores = millicores;
        this.vcpus = vcpus;
        this.kinds = kinds;
    }

    /** A day for each of {@code vmIds}, each VM with 1 (30 %), 2 (35 %), 4 (25 %) or 8 (10 %) vCPUs. */
    public static DayOfLoad generate(List<String> vmIds, long seed) {
        return generate(vmIds, seed, 1);
    }

    /**
     * {@code days} days for each of {@code vmIds}, one after the other: each VM keeps its shape (kind, base, peak,
     * shift) from day to day, with new noise and new bursts each day, as a service does.
     */
    public static DayOfLoad generate(List<String> vmIds, long seed, int days) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, short[]> loads = new LinkedHashMap<>();
        Map<String, Integer> cpus = new LinkedHashMap<>();
        Map<String, Kind> kinds = new LinkedHashMap<>();
        for (String id : vmIds) {
            double size = random.nextDouble();
            int vcpus = size < 0.3 ? 1 : size < 0.65 ? 2 : size < 0.9 ? 4 : 8;
            double draw = random.nextDouble();
            Kind kind = draw < 0.55 ? Kind.OFFICE : draw < 0.8 ? Kind.BATCH : Kind.FLAT;
            loads.put(id, days(kind, vcpus, random.split(), days));
            cpus.put(id, vcpus);
            kinds.put(id, kind);
        }
        return new DayOfLoad(loads, cpus, kinds);
    }

    private static short[] days(Kind kind, int vcpus, SplittableRandom random, int days) {
        double base = (0.04 + 0.12 * random.nextDouble()) * vcpus;
        double peak = (0.15 + 0.35 * random.nextDouble()) * vcpus;
        int shift = random.nextInt(91) - 45;
        short[] all = new short[MINUTES * days];
        for (int d = 0; d < days; d++) {
            System.arraycopy(day(kind, vcpus, base, peak, shift, random.split()), 0, all, d * MINUTES, MINUTES);
        }
        return all;
    }

    private static short[] day(Kind kind, int vcpus, double base, double peak, int shift, SplittableRandom random) {
        double[] load = new double[MINUTES];
        for (int m = 0; m < MINUTES; m++) {
            double hour = Math.floorMod(m - shift, MINUTES) / 60.0;
            double shape = switch (kind) {
                case OFFICE -> hour >= 8 && hour <= 19 ? Math.sin(Math.PI * (hour - 8) / 11) : 0;
                case BATCH -> hour <= 5 ? Math.sin(Math.PI * hour / 5) : 0;
                case FLAT -> 0.3;
            };
            load[m] = base + peak * shape + random.nextGaussian() * 0.03 * vcpus;
        }
        int bursts = poisson(random, 1.5);
        for (int b = 0; b < bursts; b++) {
            int start = random.nextInt(MINUTES);
            int length = 5 + random.nextInt(41);
            double height = (0.3 + 0.5 * random.nextDouble()) * vcpus;
            for (int m = start; m < Math.min(MINUTES, start + length); m++) {
                load[m] += height;
            }
        }
        short[] millicores = new short[MINUTES];
        for (int m = 0; m < MINUTES; m++) {
            millicores[m] = (short) Math.round(1000 * Math.max(0.01 * vcpus, Math.min(vcpus, load[m])));
        }
        return millicores;
    }

    private static int poisson(SplittableRandom random, double mean) {
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        int count = 0;
        while (product > limit) {
            product *= random.nextDouble();
            count++;
        }
        return count;
    }

    /** The VM's load in minute {@code minute} counted from the first day's midnight, in millicores. */
    public long cpu(String vmId, int minute) {
        return millicores.get(vmId)[minute];
    }

    /** The VM's mean load over minutes {@code from} (inclusive) to {@code to} (exclusive). */
    public long mean(String vmId, int from, int to) {
        short[] day = millicores.get(vmId);
        long sum = 0;
        for (int m = from; m < to; m++) {
            sum += day[m];
        }
        return to > from ? sum / (to - from) : 0;
    }

    public int vcpus(String vmId) {
        return vcpus.get(vmId);
    }

    public Kind kind(String vmId) {
        return kinds.get(vmId);
    }
}
