package dev.paddock.placement.roadef;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The challenge's set A, read from the repository's data/roadef2012/A ({@code PADDOCK_ROADEF_DIR} overrides it). */
final class SetA {
    static final List<String> INSTANCES = List.of(
            "a1_1", "a1_2", "a1_3", "a1_4", "a1_5", "a2_1", "a2_2", "a2_3", "a2_4", "a2_5");

    private SetA() {}

    static Path directory() {
        String override = System.getenv("PADDOCK_ROADEF_DIR");
        if (override != null) {
            return Path.of(override);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("data/roadef2012/A");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("set A of ROADEF 2012 not found above " + Path.of("").toAbsolutePath()
                + "; set PADDOCK_ROADEF_DIR");
    }

    static Path model(String name) {
        return directory().resolve("model_" + name + ".txt");
    }

    static Path assignment(String name) {
        return directory().resolve("assignment_" + name + ".txt");
    }

    static MachineReassignment readModel(String name) {
        return RoadefFormat.parseModel(text(model(name)), model(name).toString());
    }

    static Assignment readAssignment(String name, MachineReassignment instance) {
        return RoadefFormat.parseAssignment(text(assignment(name)), assignment(name).toString(), instance);
    }

    private static String text(Path file) {
        try {
            return Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static long originalCost(String name) throws java.io.IOException {
        return Long.parseLong(Files.readString(directory().resolve("original_cost_" + name + ".txt")).trim());
    }

    static Stream<String> names() {
        return INSTANCES.stream();
    }
}
