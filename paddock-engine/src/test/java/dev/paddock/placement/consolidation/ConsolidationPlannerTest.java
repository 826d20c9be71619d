package dev.paddock.placement.consolidation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.model.Resources;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsolidationPlannerTest {
    private static final Resources HOST = Resources.of(32_000, 131_072, 4_000, 10_000);

    private static final String CSV = """
            name,cpu_cores,cpu_util_pct,memory_gib,memory_util_pct,disk_gib,network_mbps
            web-1,8,25,32,50,200,100
            web-2,8,25,32,50,200,100
            db-1,16,50,128,75,1000,500
            mail,4,10,16,25,100,50
            """;

    @Test
    void readsTheServersCsv() {
        List<PhysicalServer> servers = ServerInventory.parse(CSV);

        assertThat(servers).hasSize(4);
        assertThat(servers.get(2)).isEqualTo(new PhysicalServer("db-1", 16, 50, 128, 75, 1000, 500));
    }

    @Test
    void aVmNeedsTheMeasuredPeakPlusHeadroom() {
        PhysicalServer web = new PhysicalServer("web-1", 8, 25, 32, 50, 200, 100);

        // 8 cores at 25 % = 2,000 millicores, 32 GiB at 50 % = 16,384 MiB, each +20 %.
        assertThat(web.demand(20)).isEqualTo(Resources.of(2_400, 19_661, 200, 100));
    }

    @Test
    void fourServersFitOnOneHostAndKeepOneSpare() {
        ConsolidationPlanner.Plan plan = ConsolidationPlanner.plan(ServerInventory.parse(CSV), HOST, 20,
                Duration.ofMinutes(1), 1, 1_000);

        // demand: cpu 2,400 + 2,400 + 9,600 + 480 ≤ 32,000; memory 19,661 × 2 + 117,965 + 4,916 > 131,072.
        assertThat(plan.hostsForLoad()).isEqualTo(2);
        assertThat(plan.hostsWithSpare()).isEqualTo(3);
        assertThat(plan.serversSaved()).isEqualTo(1);
        assertThat(plan.migrations()).extracting(ConsolidationPlanner.Migration::server)
                .containsExactly("web-1", "web-2", "db-1", "mail");
    }

    @Test
    void theReportListsEveryServerAndEscapesNames() {
        String csv = CSV + "<script>,1,1,1,1,1,1\n";
        ConsolidationPlanner.Plan plan = ConsolidationPlanner.plan(ServerInventory.parse(csv), HOST, 0,
                Duration.ofMinutes(1), 1, 1_000);

        String html = ConsolidationReport.html(plan);

        assertThat(html).contains("web-1", "web-2", "db-1", "mail", "&lt;script&gt;").doesNotContain("<script>");
        assertThat(html).contains("Hosts with one spare (N+1): " + plan.hostsWithSpare());
    }

    @Test
    void aBadLineIsNamed() {
        assertThatThrownBy(() -> ServerInventory.parse(CSV + "x,8,lots,32,50,200,100\n"))
                .isInstanceOf(ServerInventory.InvalidInventoryException.class)
                .hasMessage("line 6: cpu_util_pct is 'lots', not a number");
    }

    @Test
    void aServerBiggerThanAHostIsAUserError() {
        List<PhysicalServer> servers = List.of(new PhysicalServer("huge", 64, 100, 8, 10, 0, 0));

        assertThatThrownBy(() -> ConsolidationPlanner.plan(servers, HOST, 0, Duration.ofMinutes(1), 1, 10))
                .isInstanceOf(ServerInventory.InvalidInventoryException.class)
                .hasMessageContaining("huge");
    }
}
