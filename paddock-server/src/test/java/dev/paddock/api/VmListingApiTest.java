package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.model.Resources;
import dev.paddock.model.Vm;
import dev.paddock.model.VmOrigin;
import dev.paddock.model.VmState;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The VM list searched by name, filtered by origin, and paged by cursor; the offset pages it had still work. */
class VmListingApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    static TestServer server;

    /**
     * 256 stopped VMs recorded in the store: web-000 … web-199, db-00 … db-49 (two of them found on a host rather than
     * made by Paddock), one "twin" in each of two clusters, zz-0 in the first and zz-1 … zz-3 in the second.
     */
    @BeforeAll
    static void aRoomOf256Vms() {
        List<Vm> vms = new ArrayList<>();
        IntStream.range(0, 200).forEach(i -> vms.add(vm(String.format("web-%03d", i), VmOrigin.MANAGED)));
        IntStream.range(0, 50).forEach(i -> vms.add(vm(String.format("db-%02d", i),
                i < 2 ? VmOrigin.UNREGISTERED : VmOrigin.MANAGED)));
        server.store.put(new dev.paddock.model.Cluster("cluster-2", TestServer.SITE.id(), "test", false, 0));
        vms.add(vm("twin", VmOrigin.MANAGED));
        vms.add(vm("twin", VmOrigin.MANAGED, "cluster-2"));
        IntStream.rangeClosed(1, 3).forEach(i -> vms.add(vm("zz-" + i, VmOrigin.MANAGED, "cluster-2")));
        vms.add(vm("zz-0", VmOrigin.MANAGED));
        server.store.putAll(vms);
    }

    @Test
    void aCursorWalksEverySearchedVmOnceInNameOrder() {
        List<String> names = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            JsonNode page = server.get("/api/v1/vms?search=WEB-1&limit=30" + (cursor.isEmpty() ? ""
                    : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8))).json();
            page.get("items").forEach(vm -> names.add(vm.get("name").asText()));
            assertThat(page.get("total").asLong()).isEqualTo(100);
            cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : "";
            pages++;
        } while (!cursor.isEmpty());

        assertThat(pages).isEqualTo(4);
        assertThat(names).hasSize(100).isSorted().doesNotHaveDuplicates()
                .allSatisfy(name -> assertThat(name).startsWith("web-1"));
    }

    @Test
    void vmsOfOneNameInTwoClustersAreEachListedOnceAcrossPages() {
        List<String> ids = new ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = server.get("/api/v1/vms?search=twin&limit=1" + (cursor.isEmpty() ? ""
                    : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8))).json();
            page.get("items").forEach(vm -> ids.add(vm.get("id").asText()));
            cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : "";
        } while (!cursor.isEmpty());

        assertThat(ids).hasSize(2).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void aUserWithAGrantOnOneClusterSearchesAndPagesOnlyItsVms() {
        String password = "a long enough password";
        assertThat(server.post("/api/v1/users", "{\"name\":\"ivan\",\"password\":\"" + password + "\"}").status())
                .isEqualTo(201);
        assertThat(server.post("/api/v1/grants", "{\"user\":\"ivan\",\"role\":\"read-only\",\"clusterId\":"
                + "\"cluster-2\"}").status()).isEqualTo(201);
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("ivan:" + password)
                .getBytes(StandardCharsets.UTF_8));

        List<String> names = new ArrayList<>();
        List<Long> totals = new ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = server.sendAnonymous(java.net.http.HttpRequest.newBuilder(server.url().resolve(
                    "/api/v1/vms?search=z&limit=2" + (cursor.isEmpty() ? "" : "&cursor=" + cursor)))
                    .header("Authorization", basic)).json();
            page.get("items").forEach(vm -> names.add(vm.get("name").asText() + "@" + vm.get("clusterId").asText()));
            totals.add(page.get("total").asLong());
            cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : "";
        } while (!cursor.isEmpty());

        assertThat(names).containsExactly("zz-1@cluster-2", "zz-2@cluster-2", "zz-3@cluster-2");
        assertThat(totals).containsExactly(3L, 3L);
        assertThat(server.get("/api/v1/vms?search=z").json().get("total").asLong()).isEqualTo(4);
    }

    @Test
    void aSearchMatchesAnyPartOfTheNameAndLikeWildcardsAreLiteral() {
        assertThat(names("/api/v1/vms?search=b-04")).containsExactly("db-04", "web-040", "web-041", "web-042",
                "web-043", "web-044", "web-045", "web-046", "web-047", "web-048", "web-049");
        assertThat(names("/api/v1/vms?search=%25")).isEmpty();
        assertThat(names("/api/v1/vms?search=b_0")).isEmpty();
    }

    @Test
    void theOriginFilterFindsTheUnregisteredVms() {
        JsonNode page = server.get("/api/v1/vms?origin=unregistered").json();

        assertThat(page.get("total").asLong()).isEqualTo(2);
        assertThat(names("/api/v1/vms?origin=unregistered")).containsExactly("db-00", "db-01");
    }

    @Test
    void anEmptySearchWalksEveryVmFromACursor() {
        JsonNode first = server.get("/api/v1/vms?search=&limit=200").json();

        assertThat(first.get("total").asLong()).isEqualTo(256);
        assertThat(first.get("items")).hasSize(200);
        JsonNode rest = server.get("/api/v1/vms?search=&limit=200&cursor="
                + URLEncoder.encode(first.get("nextCursor").asText(), StandardCharsets.UTF_8)).json();
        assertThat(rest.get("items")).hasSize(56);
        assertThat(rest.has("nextCursor")).isFalse();
        assertThat(rest.get("items").get(55).get("name").asText()).isEqualTo("zz-3");
    }

    @Test
    void theOffsetPagesStayAsTheyWere() {
        JsonNode page = server.get("/api/v1/vms?offset=10&limit=5").json();

        assertThat(page.get("offset").asInt()).isEqualTo(10);
        assertThat(page.get("total").asLong()).isEqualTo(256);
        assertThat(page.has("nextCursor")).isFalse();
        assertThat(names("/api/v1/vms?offset=10&limit=5")).containsExactly("db-10", "db-11", "db-12", "db-13",
                "db-14");
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource(delimiter = '|', value = {
            "/api/v1/vms?cursor=bm9wZQ | Query parameter 'cursor' must be a 'nextCursor' this server answered; got 'bm9wZQ'.",
            "/api/v1/vms?search=web&offset=5 | Query parameter 'offset' cannot be used with 'search', 'origin' or 'cursor': these pages go on from 'nextCursor'.",
            "/api/v1/vms?origin=stolen | Query parameter 'origin' must be one of managed, unregistered, quarantined; got 'stolen'."})
    void aBadListRequestIsA400WithASentence(String path, String detail) {
        TestServer.Reply reply = server.get(path);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("detail").asText()).isEqualTo(detail);
    }

    private static List<String> names(String path) {
        List<String> names = new ArrayList<>();
        server.get(path).json().get("items").forEach(vm -> names.add(vm.get("name").asText()));
        return names;
    }

    private static Vm vm(String name, VmOrigin origin) {
        return vm(name, origin, TestServer.CLUSTER.id());
    }

    private static Vm vm(String name, VmOrigin origin, String clusterId) {
        return new Vm(java.util.UUID.randomUUID().toString(), name, clusterId, Optional.empty(),
                Resources.of(1000, 512, 0, 0), VmState.STOPPED, origin, "", 0, java.util.Set.of(), java.util.Set.of(),
                java.util.Set.of(), List.of(), List.of());
    }
}
