package dev.paddock.placement.consolidation;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A seeded, made-up but plausible room of physical servers as a {@link ServerInventory} CSV: web, application,
 * database, file and infrastructure servers of mixed sizes, 5-30 % average CPU with peaks 1.5-3 times higher, a
 * quarter running several applications, Windows, SQL Server, Oracle and RHEL licences, power draw and purchase cost
 * by size. The same seed gives the same text; {@code examples/consolidation/servers-200.csv} is
 * {@code csv(200, 2012)}.
 */
public final class ExampleInventory {
    private ExampleInventory() {}

    private record Kind(String prefix, int[] cores, int[] memoryGib, int[] diskGib, int[] networkMbps,
            String[][] applications) {}

    private static final Kind[] KINDS = {
        new Kind("web", new int[] {2, 4, 8}, new int[] {8, 16, 32}, new int[] {100, 200, 300},
                new int[] {100, 300, 800}, new String[][] {{"nginx"}, {"iis"}, {"apache", "php"}}),
        new Kind("app", new int[] {8, 12, 16}, new int[] {32, 64, 128}, new int[] {200, 400, 600},
                new int[] {200, 500, 1000}, new String[][] {{"tomcat"}, {"erp", "reporting"}, {"crm"},
                    {"jboss", "batch", "mq"}}),
        new Kind("db", new int[] {16, 24, 32}, new int[] {128, 256, 384}, new int[] {500, 1000, 2000},
                new int[] {300, 800, 1500}, new String[][] {{"mssql"}, {"oracle"}, {"postgres"}}),
        new Kind("file", new int[] {4, 8}, new int[] {16, 32}, new int[] {2000, 3000, 4000},
                new int[] {500, 1000, 2000}, new String[][] {{"smb"}, {"nfs"}}),
        new Kind("infra", new int[] {2, 4}, new int[] {8, 16}, new int[] {80, 120},
                new int[] {50, 100}, new String[][] {{"dc", "dns"}, {"dhcp"}, {"monitoring", "syslog"}}),
    };

    private static final int[] WEIGHTS = {35, 25, 15, 10, 15};

    public static String csv(int servers, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("name,cpu_cores,cpu_util_pct,cpu_avg_pct,memory_gib,memory_util_pct,"
                + "disk_gib,network_mbps,applications,anti_affinity,licences,watts,cost\n");
        int[] counts = new int[KINDS.length];
        for (int i = 0; i < servers; i++) {
            int k = pick(random);
            Kind kind = KINDS[k];
            String name = String.format(Locale.ROOT, "%s-%03d", kind.prefix(), ++counts[k]);
            int size = random.nextInt(kind.cores().length);
            int cores = kind.cores()[size];
            int memory = kind.memoryGib()[Math.min(size, kind.memoryGib().length - 1)];
            int disk = kind.diskGib()[random.nextInt(kind.diskGib().length)];
            int network = kind.networkMbps()[random.nextInt(kind.networkMbps().length)];
            double average = 5 + random.nextDouble() * 25;
            double peak = Math.min(95, average * (1.5 + random.nextDouble() * 1.5));
            double memoryUse = 30 + random.nextDouble() * 50;
            String[] apps = kind.applications()[random.nextInt(kind.applications().length)];
            boolean windows = apps[0].equals("iis") || apps[0].equals("mssql") || apps[0].equals("dc")
                    || apps[0].equals("smb") || random.nextInt(5) == 0;
            StringBuilder licences = new StringBuilder(windows ? "windows-server" : "rhel");
            if (apps[0].equals("mssql")) {
                licences.append(";mssql");
            } else if (apps[0].equals("oracle")) {
                licences.append(";oracle-db");
            }
            boolean apart = apps.length > 1 && (apps[0].equals("dc") || random.nextInt(5) == 0);
            long watts = Math.round(90 + cores * 9 + memory * 0.35 + disk * 0.01 + random.nextInt(40));
            long cost = Math.round((1500 + cores * 260 + memory * 18 + disk * 0.5) / 100.0) * 100;
            csv.append(String.format(Locale.ROOT, "%s,%d,%.1f,%.1f,%d,%.1f,%d,%d,%s,%s,%s,%d,%d%n", name, cores,
                    peak, average, memory, memoryUse, disk, network, applications(apps, random), apart ? "yes" : "no",
                    licences, watts, cost));
        }
        return csv.toString();
    }

    private static int pick(SplittableRandom random) {
        int roll = random.nextInt(100);
        for (int k = 0; k < WEIGHTS.length; k++) {
            roll -= WEIGHTS[k];
            if (roll < 0) {
                return k;
            }
        }
        return WEIGHTS.length - 1;
    }

    /** One application plainly; several with measured shares half of the time, else to be split evenly. */
    private static String applications(String[] apps, SplittableRandom random) {
        if (apps.length == 1 || random.nextBoolean()) {
            return String.join(";", apps);
        }
        int[] shares = new int[apps.length];
        int left = 100;
        for (int i = 0; i < apps.length - 1; i++) {
            shares[i] = 10 + random.nextInt(Math.max(1, left - 10 * (apps.length - i)));
            left -= shares[i];
        }
        shares[apps.length - 1] = left;
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < apps.length; i++) {
            text.append(i == 0 ? "" : ";").append(apps[i]).append(':').append(shares[i]);
        }
        return text.toString();
    }
}
