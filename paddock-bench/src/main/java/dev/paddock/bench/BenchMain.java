package dev.paddock.bench;

import dev.paddock.bench.placement.PackingBench;
import dev.paddock.bench.placement.PlacementBench;
import java.util.Arrays;

/** Entry point of {@code ./paddock bench NAME [options]}. */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        String name = args.length == 0 ? "" : args[0];
        String[] options = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        try {
            switch (name) {
                case "placement" -> PlacementBench.main(options);
                case "packing" -> PackingBench.main(options);
                default -> {
                    System.err.println("paddock bench: no benchmark named '" + name + "' (known: placement, packing)");
                    System.exit(2);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("paddock bench " + name + ": " + e.getMessage());
            System.exit(2);
        }
    }
}
