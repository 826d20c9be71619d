package dev.paddock.bench;

/** Entry point of {@code ./paddock bench NAME}. */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) {
        System.err.println("paddock bench: no benchmark named " + String.join(" ", args));
        System.exit(2);
    }
}
