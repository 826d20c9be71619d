package dev.paddock.placement.consolidation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExampleInventoryTest {

    /** The repository's examples/consolidation, found by walking up from the working directory. */
    static Path examples() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("examples/consolidation");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("examples/consolidation not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void theShippedExampleIsTheGeneratorsOutputForItsSeed() throws IOException {
        assertThat(Files.readString(examples().resolve("servers-200.csv"))).isEqualTo(ExampleInventory.csv(200, 2012));
    }

    @Test
    void theExampleIsAMixedRoomOfTwoHundredServers() {
        List<PhysicalServer> servers = ServerInventory.parse(ExampleInventory.csv(200, 2012));

        assertThat(servers).hasSize(200);
        assertThat(servers).allSatisfy(s -> {
            assertThat(s.cpuAverage()).isBetween(5.0, 30.0);
            assertThat(s.cpuUtilisation()).isGreaterThanOrEqualTo(s.cpuAverage());
            assertThat(s.watts()).isPositive();
            assertThat(s.cost()).isPositive();
        });
        assertThat(servers).filteredOn(s -> s.applications().size() > 1).hasSizeBetween(30, 80);
        assertThat(servers).filteredOn(PhysicalServer::antiAffinity).isNotEmpty();
        assertThat(servers).filteredOn(s -> s.licences().contains("mssql")).isNotEmpty();
        assertThat(servers).extracting(PhysicalServer::cpuCores).contains(2, 4, 8, 16, 32);
    }

    @Test
    void theSameSeedGivesTheSameRoomAndAnotherSeedAnother() {
        assertThat(ExampleInventory.csv(50, 7)).isEqualTo(ExampleInventory.csv(50, 7))
                .isNotEqualTo(ExampleInventory.csv(50, 8));
    }
}
