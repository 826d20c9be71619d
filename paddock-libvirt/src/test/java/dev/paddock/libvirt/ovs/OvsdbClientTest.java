package dev.paddock.libvirt.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a real {@code ovsdb-server} (Debian's {@code openvswitch-switch}) the test starts on loopback
 * over a fresh Open vSwitch database: a switch with ports made, a mirror of one port to another made and removed, a
 * refused operation named, a server that is not there named.
 */
class OvsdbClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema";

    @TempDir
    static Path dir;

    private static Process server;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        Path db = dir.resolve("conf.db");
        run("ovsdb-tool", "create", db.toString(), SCHEMA);
        port = freePort();
        server = new ProcessBuilder("ovsdb-server", db.toString(), "--remote=ptcp:" + port + ":127.0.0.1",
                "--unixctl=" + dir.resolve("ctl"), "--no-chdir", "--log-file=" + dir.resolve("ovsdb-server.log"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try (OvsdbClient client = OvsdbClient.connect("127.0.0.1", port, TIMEOUT)) {
                client.databases();
                break;
            } catch (OvsdbException e) {
                if (System.nanoTime() > deadline || !server.isAlive()) {
                    throw new IllegalStateException("ovsdb-server did not start: "
                            + Files.readString(dir.resolve("out.log")), e);
                }
                Thread.sleep(50);
            }
        }
        try (OvsdbClient client = OvsdbClient.connect("127.0.0.1", port, TIMEOUT)) {
            // the root row, then switch sw0 with its own port and two more
            client.transact(OvsdbClient.OPEN_VSWITCH, List.of(Ops.insert("Open_vSwitch", Ops.row(), "root")));
            client.transact(OvsdbClient.OPEN_VSWITCH, List.of(
                    Ops.insert("Interface", iface("vnet0"), "i0"), Ops.insert("Port", port("vnet0", "i0"), "p0"),
                    Ops.insert("Interface", iface("mon0"), "i1"), Ops.insert("Port", port("mon0", "i1"), "p1"),
                    Ops.insert("Bridge", bridge(), "b"),
                    Ops.addTo("Open_vSwitch", "_uuid", rootUuid(client), "bridges", Ops.named("b"))));
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void itListsItsDatabases() {
        try (OvsdbClient client = OvsdbClient.connect("127.0.0.1", port, TIMEOUT)) {
            assertThat(client.databases()).contains(OvsdbClient.OPEN_VSWITCH);
        }
    }

    @Test
    void aMirrorOfOnePortToAnotherIsMadeReadAndRemoved() {
        try (OvsdbClient client = OvsdbClient.connect("127.0.0.1", port, TIMEOUT)) {
            String source = portUuid(client, "vnet0");
            String output = portUuid(client, "mon0");
            var mirror = Ops.row().put("name", "m-vnet0");
            mirror.set("select_src_port", Ops.set(List.of(Ops.uuid(source))));
            mirror.set("select_dst_port", Ops.set(List.of(Ops.uuid(source))));
            mirror.set("output_port", Ops.uuid(output));
            List<JsonNode> made = client.transact(OvsdbClient.OPEN_VSWITCH, List.of(
                    Ops.insert("Mirror", mirror, "m"),
                    Ops.addTo("Bridge", "name", Ops.text("sw0"), "mirrors", Ops.named("m"))));
            String mirrorUuid = Ops.uuidOf(made.getFirst());

            JsonNode read = client.transact(OvsdbClient.OPEN_VSWITCH, List.of(Ops.select("Mirror", "name",
                    Ops.text("m-vnet0"), "_uuid", "output_port", "select_src_port"))).getFirst().path("rows");
            assertThat(read).hasSize(1);
            assertThat(Ops.uuidOf(read.get(0))).isEqualTo(mirrorUuid);
            assertThat(read.get(0).path("output_port").path(1).asText()).isEqualTo(output);
            assertThat(read.get(0).path("select_src_port").path(1).asText()).isEqualTo(source);

            // a mirror no bridge holds is collected: taking it off the bridge removes it
            client.transact(OvsdbClient.OPEN_VSWITCH, List.of(Ops.removeFrom("Bridge", "name", Ops.text("sw0"),
                    "mirrors", Ops.uuid(mirrorUuid))));
            assertThat(client.transact(OvsdbClient.OPEN_VSWITCH, List.of(Ops.select("Mirror", "name",
                    Ops.text("m-vnet0"), "_uuid"))).getFirst().path("rows")).isEmpty();
        }
    }

    @Test
    void aRefusedOperationIsNamedWithTheServersWords() {
        try (OvsdbClient client = OvsdbClient.connect("127.0.0.1", port, TIMEOUT)) {
            // a mirror out to VLAN 5000: the schema's constraint refuses it, and nothing of the transaction is made
            var mirror = Ops.row().put("name", "m-nowhere").put("output_vlan", 5000);
            assertThatThrownBy(() -> client.transact(OvsdbClient.OPEN_VSWITCH, List.of(
                    Ops.insert("Mirror", mirror, "m"),
                    Ops.addTo("Bridge", "name", Ops.text("sw0"), "mirrors", Ops.named("m")))))
                    .isInstanceOf(OvsdbException.class)
                    .hasMessageContaining("the switch database at 127.0.0.1:" + port + " refused")
                    .hasMessageContaining("refused insert on Mirror").hasMessageContaining("constraint violation");
            assertThat(client.transact(OvsdbClient.OPEN_VSWITCH, List.of(Ops.select("Mirror", "name",
                    Ops.text("m-nowhere"), "_uuid"))).getFirst().path("rows")).isEmpty();
        }
    }

    @Test
    void theServersEchoIsAnsweredOnTheWayToTheAnswer() throws InterruptedException {
        try (OvsdbClient client = OvsdbClient.connect("127.0.0.1", port, TIMEOUT)) {
            // the server probes a connection idle for 5 s with an echo (and drops it when 5 s more pass unanswered):
            // the next call finds the echo before its answer, answers it, and goes on
            Thread.sleep(6_500);
            assertThat(client.databases()).contains(OvsdbClient.OPEN_VSWITCH);
        }
    }

    @Test
    void aServerThatIsNotThereIsNamed() throws IOException {
        int closed = freePort();
        assertThatThrownBy(() -> OvsdbClient.connect("127.0.0.1", closed, TIMEOUT))
                .isInstanceOf(OvsdbException.class)
                .hasMessageStartingWith("cannot reach the switch database at 127.0.0.1:" + closed);
    }

    private static String portUuid(OvsdbClient client, String name) {
        JsonNode rows = client.transact(OvsdbClient.OPEN_VSWITCH, List.of(Ops.select("Port", "name", Ops.text(name),
                "_uuid"))).getFirst().path("rows");
        assertThat(rows).as("port " + name).hasSize(1);
        return Ops.uuidOf(rows.get(0));
    }

    private static JsonNode rootUuid(OvsdbClient client) {
        JsonNode rows = client.transact(OvsdbClient.OPEN_VSWITCH, List.of(Ops.selectAll("Open_vSwitch", "_uuid"))).getFirst().path("rows");
        return Ops.uuid(Ops.uuidOf(rows.get(0)));
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode iface(String name) {
        return Ops.row().put("name", name);
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode port(String name, String iface) {
        var row = Ops.row().put("name", name);
        row.set("interfaces", Ops.named(iface));
        return row;
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode bridge() {
        var row = Ops.row().put("name", "sw0");
        row.set("ports", Ops.set(List.of(Ops.named("p0"), Ops.named("p1"))));
        return row;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + said).isZero();
    }
}
