package dev.paddock.cli;

/** How amounts read in a table. */
final class Format {

    private Format() {}

    static String cpus(long millicores) {
        return millicores % 1000 == 0 ? millicores / 1000 + " vCPU" : String.format("%.1f vCPU", millicores / 1000.0);
    }

    static String mebibytes(long mib) {
        if (mib >= 1024 && mib % 1024 == 0) {
            return mib / 1024 + " GiB";
        }
        return mib + " MiB";
    }

    static String percent(double fraction) {
        return Math.round(fraction * 100) + "%";
    }

    /** A byte count as people read it: 3.2 GiB, 640 KiB, 12 B. */
    static String bytes(long count) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = count;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? count + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
