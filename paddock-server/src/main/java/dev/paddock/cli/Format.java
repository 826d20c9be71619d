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
}
