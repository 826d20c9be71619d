package dev.paddock.placement.consolidation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.model.Resources;
import dev.paddock.operation.plan.OperationPlan;
import dev.paddock.operation.plan.Step;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConsolidationPlannerTest {
    private static final HostModel HOST = new HostModel("test", Resources.of(32_000, 131_072, 4_000, 10_000), 400,
            10_000);

    private static final String CSV = """
            name,cpu_cores,cpu_util_pct,memory_gib,memory_util_pct,disk_gib,network_mbps
            web-1,8,25,32,50,200,100
            web-2,8,25,32,50,200,100
            db-1,16,50,128,75,1000,500
            mail,4,10,16,25,100,50
            """;

    private static ConsolidationPlanner.Plan plan(String csv, int headroom) {
        return ConsolidationPlanner.plan(ServerInventory.parse(csv), HOST, headroom, Duration.ofMinutes(1), System::nanoTime, 1,
                1_000);
    }

    @Test
    void readsTheServersCsv() {
        List<PhysicalServer> servers = ServerInventory.parse(CSV);

        assertThat(servers).hasSize(4);
        assertThat(servers.get(2)).isEqualTo(new PhysicalServer("db-1", 16, 50, 128, 75, 1000, 500));
    }

    @Test
    void readsTheOptionalColumnsInAnyOrder() {
        List<PhysicalServer> servers = ServerInventory.parse("""
                licences,name,cpu_cores,cpu_util_pct,cpu_avg_pct,memory_gib,memory_util_pct,disk_gib,network_mbps,\
                applications,anti_affinity,watts,cost
                mssql;rhel,erp,16,60,20,64,70,500,1000,erp-app:70;erp-db:30,yes,320,9000
                ,files,4,10,,8,20,2000,100,,,150,
                """);

        assertThat(servers.get(0)).isEqualTo(new PhysicalServer("erp", 16, 60, 64, 70, 500, 1000, 20,
                List.of(new PhysicalServer.Application("erp-app", 70), new PhysicalServer.Application("erp-db", 30)),
                true, List.of("mssql", "rhel"), 320, 9000));
        assertThat(servers.get(1)).isEqualTo(new PhysicalServer("files", 4, 10, 8, 20, 2000, 100, 10, List.of(),
                false, List.of(), 150, 0));
    }

    @Test
    void aVmNeedsTheMeasuredPeakPlusHeadroom() {
        PhysicalServer web = new PhysicalServer("web-1", 8, 25, 32, 50, 200, 100);

        // 8 cores at 25 % = 2,000 millicores, 32 GiB at 50 % = 16,384 MiB, each +20 %.
        assertThat(web.demand(20)).isEqualTo(Resources.of(2_400, 19_661, 200, 100));
    }

    @Test
    void aServerWithSeveralApplicationsBecomesOneVmEachSizedByItsShare() {
        PhysicalServer erp = new PhysicalServer("erp", 10, 50, 10, 50, 100, 1000, 20,
                List.of(new PhysicalServer.Application("app", 70), new PhysicalServer.Application("db", 30)), false,
                List.of(), 0, 0);

        // whole: 5,000 millicores, 5,120 MiB, 100 GiB, 1,000 Mbit/s; 70 % and 30 %, rounded up.
        assertThat(erp.split(0)).containsExactly(
                new PhysicalServer.VmDemand("erp-app", "app", Resources.of(3_500, 3_584, 70, 700)),
                new PhysicalServer.VmDemand("erp-db", "db", Resources.of(1_500, 1_536, 30, 300)));
    }

    @Test
    void applicationsWithoutSharesSplitTheServerEvenly() {
        PhysicalServer web = new PhysicalServer("web", 4, 50, 4, 50, 90, 30, 10,
                List.of(new PhysicalServer.Application("a", 0), new PhysicalServer.Application("b", 0),
                        new PhysicalServer.Application("c", 0)), false, List.of(), 0, 0);

        // 2,000 millicores and 2,048 MiB in three: 667 and 683 each, rounded up.
        assertThat(web.split(0)).extracting(PhysicalServer.VmDemand::demand)
                .containsOnly(Resources.of(667, 683, 30, 10)).hasSize(3);
    }

    @Test
    void fourServersNeedTwoHostsAndKeepOneSpare() {
        ConsolidationPlanner.Plan plan = plan(CSV, 20);

        // demand: cpu 2,400 + 2,400 + 9,600 + 480 ≤ 32,000; memory 19,661 × 2 + 117,965 + 4,916 > 131,072.
        assertThat(plan.hostsForLoad()).isEqualTo(2);
        assertThat(plan.hostsWithSpare()).isEqualTo(3);
        assertThat(plan.serversSaved()).isEqualTo(1);
        assertThat(plan.migrations()).extracting(ConsolidationPlanner.Migration::vm)
                .containsExactly("web-1", "web-2", "db-1", "mail");
        for (Resources load : plan.hostLoads()) {
            assertThat(load.fitsIn(HOST.capacity())).isTrue();
        }
    }

    @Test
    void anAntiAffinityServerHasItsApplicationsOnDistinctHosts() {
        String header = "name,cpu_cores,cpu_util_pct,memory_gib,memory_util_pct,disk_gib,network_mbps,applications,"
                + "anti_affinity\n";
        String together = header + "dc,4,10,8,10,10,10,dc-a;dc-b;dc-c,no\n";
        String apart = header + "dc,4,10,8,10,10,10,dc-a;dc-b;dc-c,yes\n";

        assertThat(plan(together, 0).hostsForLoad()).isEqualTo(1);
        ConsolidationPlanner.Plan plan = plan(apart, 0);
        assertThat(plan.hostsForLoad()).isEqualTo(3);
        assertThat(plan.hostsWithSpare()).isEqualTo(4);
        assertThat(plan.migrations()).extracting(ConsolidationPlanner.Migration::host).doesNotHaveDuplicates();
    }

    @Test
    void anAntiAffinitySiblingMovesToAHostWithRoomBeforeANewHostIsOpened() {
        ConsolidationPlanner.Plan plan = plan("""
                name,cpu_cores,cpu_util_pct,memory_gib,memory_util_pct,disk_gib,network_mbps,applications,\
                anti_affinity
                big-1,32,60,8,10,10,10,,
                big-2,32,60,8,10,10,10,,
                dc,4,10,8,10,10,10,dc-a;dc-b,yes
                """, 0);

        // 19,200 millicores each: two bigs need two hosts, and each has room for one small sibling.
        assertThat(plan.hostsForLoad()).isEqualTo(2);
        assertThat(plan.migrations()).filteredOn(m -> m.server().equals("dc"))
                .extracting(ConsolidationPlanner.Migration::host).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void powerCostAndLicencesAreCountedBeforeAndAfter() {
        ConsolidationPlanner.Plan plan = plan("""
                name,cpu_cores,cpu_util_pct,memory_gib,memory_util_pct,disk_gib,network_mbps,applications,licences,\
                watts,cost
                a,4,10,8,10,10,10,a-web;a-db,mssql,300,5000
                b,4,10,8,10,10,10,,mssql;rhel,250,4000
                c,4,10,8,10,10,10,,,200,3000
                """, 0);

        assertThat(plan.hostsForLoad()).isEqualTo(1);
        assertThat(plan.wattsBefore()).isEqualTo(750);
        assertThat(plan.wattsAfter()).isEqualTo(2 * 400);
        assertThat(plan.costBefore()).isEqualTo(12_000);
        assertThat(plan.costAfter()).isEqualTo(2 * 10_000);
        assertThat(plan.serversSaved()).isEqualTo(1);
        // mssql: on servers a and b; on VMs a-web, a-db and b, all on the one host.
        assertThat(plan.licences()).containsExactly(new ConsolidationPlanner.LicenceCount("mssql", 2, 3, 1),
                new ConsolidationPlanner.LicenceCount("rhel", 1, 1, 1));
        assertThat(ConsolidationReport.text(plan, 8)).contains("750 -> 800 (+6.7 %)", "12,000 -> 20,000 (+66.7 %)");
    }

    @Test
    void theMigrationListIsAnOperationRecordingThenDefiningEachVmOnItsHost() {
        ConsolidationPlanner.Plan plan = plan(CSV, 20);

        OperationPlan operation = MigrationOperation.of(plan, "consolidated", "host", "planner");

        assertThat(operation.steps()).hasSize(8);
        for (int i = 0; i < 8; i += 2) {
            Step.RecordVm record = (Step.RecordVm) operation.steps().get(i);
            Step.DefineVm define = (Step.DefineVm) operation.steps().get(i + 1);
            ConsolidationPlanner.Migration m = plan.migrations().stream()
                    .filter(x -> x.vm().equals(record.vm().name())).findFirst().orElseThrow();
            assertThat(define.hostId()).isEqualTo("host-" + (m.host() + 1));
            assertThat(record.vm().hostId()).contains(define.hostId());
            assertThat(define.spec().uuid()).isEqualTo(record.vm().id());
            assertThat(record.vm().demand()).isEqualTo(m.demand());
            assertThat(define.spec().memoryMib()).isEqualTo(m.demand().memoryMib());
        }
        assertThat(MigrationOperation.of(plan, "consolidated", "host", "planner")).isEqualTo(operation);
    }

    @Test
    void theReportListsEveryVmDrawsItsChartsAndEscapesNames() {
        ConsolidationPlanner.Plan plan = plan(CSV + "<script>,1,1,1,1,1,1\n", 0);

        String html = ConsolidationReport.html(plan, 10);

        assertThat(html).contains("web-1", "web-2", "db-1", "mail", "&lt;script&gt;").doesNotContain("<script>");
        assertThat(html).contains("<svg id=\"before\"", "<svg id=\"after\"", "<svg id=\"power\"");
        assertThat(html).doesNotContain("http://", "https://", "<link", "@import", "url(", "src=")
                .contains("<tr><td>Hosts with N+1 spare</td><td>" + plan.hostsWithSpare() + "</td></tr>");
    }

    @Test
    void aBadLineIsNamed() {
        assertThatThrownBy(() -> ServerInventory.parse(CSV + "x,8,lots,32,50,200,100\n"))
                .isInstanceOf(ServerInventory.InvalidInventoryException.class)
                .hasMessage("line 6: cpu_util_pct is 'lots', not a number");
        assertThatThrownBy(() -> ServerInventory.parse(CSV + "x,8,10,32,50,200\n"))
                .hasMessage("line 6: expected 7 fields, found 6");
        assertThatThrownBy(() -> ServerInventory.parse(CSV + "mail,8,10,32,50,200,100\n"))
                .hasMessage("line 6: the name mail is already used by an earlier line");
        assertThatThrownBy(() -> ServerInventory.parse(CSV.replace("network_mbps", "network_mbps,applications")
                .replace("\nweb-1,8,25,32,50,200,100", "\nweb-1,8,25,32,50,200,100,a:50;b:40")
                .replaceAll("(?m)^(web-2|db-1|mail)(.*)$", "$1$2,")))
                .hasMessage("line 2: applications: the shares add up to 90.0%, not 100%");
        assertThatThrownBy(() -> ServerInventory.parse("name,cpu_cores,colour\n"))
                .hasMessageStartingWith("line 1: unknown column 'colour'");
    }

    @Test
    void aServerBiggerThanAHostIsAUserError() {
        List<PhysicalServer> servers = List.of(new PhysicalServer("huge", 64, 100, 8, 10, 0, 0));

        assertThatThrownBy(() -> ConsolidationPlanner.plan(servers, HOST, 0, Duration.ofMinutes(1), System::nanoTime, 1, 10))
                .isInstanceOf(ServerInventory.InvalidInventoryException.class)
                .hasMessageContaining("huge");
    }

    @Test
    void aHostModelIsAPresetOrEveryFigureNamed() {
        assertThat(HostModel.parse("medium")).isEqualTo(HostModel.PRESETS.get("medium"));
        assertThat(HostModel.parse("cpu=64000,memory=524288,disk=8000,network=25000,watts=450,cost=12000"))
                .isEqualTo(new HostModel("custom", Resources.of(64_000, 524_288, 8_000, 25_000), 450, 12_000));
        assertThatThrownBy(() -> HostModel.parse("cpu=64000,memory=524288"))
                .hasMessage("host model: disk is missing");
        assertThatThrownBy(() -> HostModel.parse("cpu=lots,memory=1,disk=1,network=1,watts=1,cost=1"))
                .hasMessage("host model: cpu is 'lots', not a non-negative whole number");
        Set<String> names = HostModel.PRESETS.keySet().stream().collect(Collectors.toSet());
        assertThat(names).contains("small", "medium", "large");
    }
}
