package dev.paddock.bench;

/** What the benchmarks' options share. */
final class BenchOptions {

    private BenchOptions() {}

    /** The value of a count option: a positive whole number, or a sentence naming the option. */
    static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the sentence below
        }
        throw new IllegalArgumentException(option + " needs a positive whole number, got '" + value + "'");
    }
}
