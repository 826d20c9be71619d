package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 802.1Q VLANs on the lab hosts' Open vSwitch switches, made through REST: networks "vlan10" and "vlan20" over switch
 * sw0 of h1 and h2, whose switches share the lab's trunk. Three template guests in one IP subnet: a on h1 and b on h2
 * in VLAN 10, c on h1 in VLAN 20. a and b, on different hosts, reach each other across the trunk; c reaches neither,
 * though it shares a's switch and subnet: only the VLANs keep them apart. Each guest pings on request (its
 * {@code /cgi-bin/ping}), asked from a lab machine plugged into the guest's VLAN ({@code lab.sh port}). c's NIC is
 * limited to 8 Mbit/s into the guest: its switch port gets a queue capped at that rate. (Out of the guest, libvirt
 * polices with tc's police action, which this kernel lacks: that direction is not checked here.) Then a's port is
 * mirrored through REST to a capture machine on h1's switch (port lp-mon, in VLAN 4000, which nothing else uses): a
 * capture there sees a's pings to b while the mirror is on, and none once it is off.
 */
@Tag("lab")
class LabVlanTest {

    @RegisterExtension
    static final LabServer LAB = new LabServer(Duration.ofSeconds(10));

    private static final String A = "10.79.16.11";
    private static final String B = "10.79.16.12";
    private static final String C = "10.79.16.13";
    private static final String D = "10.79.18.14";
    private static final String E = "10.79.18.15";
    private static final String GATEWAY = "10.79.18.1";
    /** What the template guest's forge probe sends from when it forges its MAC. */
    private static final String FORGED_MAC = "02:00:00:00:00:99";
    private static final String FORGED_ADDRESS = "10.79.18.99";

    private static LabGuests guests;

    @BeforeAll
    static void template() throws Exception {
        guests = LabGuests.withTemplate(LAB, "vlanstore", "vlanguest", "h1", "h2");
    }

    /** The lab's hosts outlive this class: its guests and networks go, as its probe machines do. */
    @AfterAll
    static void cleanUp() {
        for (String port : List.of("v10", "v20", "mon", "gw")) {
            LAB.lab().command("port-del", port);
        }
        for (JsonNode vm : LAB.paddock().get("/api/v1/vms").json().get("items")) {
            if (vm.get("name").asText().startsWith("vlan-")) {
                LabGuests.awaitDone(LAB, LAB.paddock().delete("/api/v1/vms/" + vm.get("id").asText()
                        + "?force=true&disks=delete"));
            }
        }
        for (String network : List.of("vlan10", "vlan20", "iso30")) {
            LAB.paddock().withoutNetwork(network);
        }
    }

    @Test
    @DisplayName("guests of VLAN 10 on two hosts reach each other; a guest of VLAN 20 on the same switch reaches neither")
    void vlansSpanHostsAndKeepApart() throws Exception {
        for (int vlan : new int[] {10, 20}) {
            guests.awaitDone(LAB.paddock().post("/api/v1/networks", "{\"siteId\":\"" + guests.siteId() + "\",\"name\":"
                    + "\"vlan" + vlan + "\",\"hosts\":[\"h1\",\"h2\"],\"switch\":\"sw0\",\"vlan\":" + vlan + "}"));
        }
        JsonNode a = guests.create("vlan-a", "vlanguest", "h1", "vlan10", A + "/24");
        guests.create("vlan-b", "vlanguest", "h2", "vlan10", B + "/24");
        guests.create("vlan-c", "vlanguest", "h1", "vlan20", ",\"inboundKbps\":8000", C + "/24");
        LAB.lab().command("port", "h1", "v10", "10", "10.79.16.250/24");
        LAB.lab().command("port", "h2", "v20", "20", "10.79.16.251/24");

        awaitAnswer("v10", A, "vlan-a");
        awaitAnswer("v10", B, "vlan-b");
        awaitAnswer("v20", C, "vlan-c");
        assertThat(curl("v10", C, "/hostname")).as("VLAN 10 does not reach c").isEmpty();

        assertThat(ping("v10", A, B)).startsWith("reached " + B);
        assertThat(ping("v10", B, A)).startsWith("reached " + A);
        assertThat(ping("v20", C, A)).startsWith("unreached " + A);
        assertThat(ping("v20", C, B)).startsWith("unreached " + B);

        String port = run("virsh", "-c", LAB.lab().host(1).uri(), "domiflist", "vlan-c").lines()
                .filter(line -> line.strip().startsWith("vnet")).map(line -> line.strip().split("\\s+")[0])
                .findFirst().orElseThrow();
        assertThat(run("ip", "netns", "exec", "h1", "env", "OVS_RUNDIR=" + LAB.lab().directory().resolve(
                "hosts/h1/ovsrun"), "ovs-appctl", "qos/show", port)).contains("linux-htb").contains("max-rate: 8000000");

        LAB.lab().command("port", "h1", "mon", "4000", "10.79.17.250/24");
        String mirror = "/api/v1/vms/" + a.get("id").asText() + "/nics/" + a.get("nics").get(0).get("mac").asText()
                + "/mirror";
        guests.awaitDone(LAB.paddock().put(mirror, "{\"port\":\"lp-mon\",\"direction\":\"both\"}"));
        assertThat(capturedWhileAPingsB()).as("a's pings to b, copied to the capture port")
                .contains(A + " > " + B + ": ICMP echo request").contains(B + " > " + A + ": ICMP echo reply");
        guests.awaitDone(LAB.paddock().delete(mirror));
        assertThat(capturedWhileAPingsB()).as("nothing copied once the mirror is off").doesNotContain("ICMP");
    }

    @Test
    @DisplayName("on an isolated network two guests reach the gateway but not each other; a forged MAC or address is"
            + " dropped")
    void anIsolatedNetworksGuestsReachOnlyTheGatewayAndNoGuestSendsAsAnother() throws Exception {
        guests.awaitDone(LAB.paddock().post("/api/v1/networks", "{\"siteId\":\"" + guests.siteId() + "\",\"name\":"
                + "\"iso30\",\"hosts\":[\"h1\",\"h2\"],\"switch\":\"sw0\",\"vlan\":30,\"isolated\":true}"));
        JsonNode d = guests.create("vlan-d", "vlanguest", "h1", "iso30", D + "/24");
        JsonNode e = guests.create("vlan-e", "vlanguest", "h2", "iso30", E + "/24");
        LAB.lab().command("port", "h1", "gw", "30", GATEWAY + "/24");
        awaitAnswer("gw", D, "vlan-d");
        awaitAnswer("gw", E, "vlan-e");
        awaitGuarded(1, d);
        awaitGuarded(2, e);

        assertThat(ping("gw", D, GATEWAY)).startsWith("reached " + GATEWAY);
        assertThat(ping("gw", E, GATEWAY)).startsWith("reached " + GATEWAY);
        assertThat(ping("gw", D, E)).as("same network, other host").startsWith("unreached " + E);
        assertThat(ping("gw", E, D)).startsWith("unreached " + D);

        String[] forged = new String[2];
        String seen = capturedAt("gw", "ether src " + FORGED_MAC + " or src host " + FORGED_ADDRESS, () -> {
            forged[0] = curl("gw", D, "/cgi-bin/forge?mac&" + GATEWAY);
            forged[1] = curl("gw", D, "/cgi-bin/forge?" + FORGED_ADDRESS + "&" + GATEWAY);
        });
        assertThat(forged[0]).as("d sending from another MAC").startsWith("unreached " + GATEWAY);
        assertThat(forged[1]).as("d sending from another address").startsWith("unreached " + GATEWAY);
        assertThat(seen).as("nothing forged reached the gateway").contains("0 packets captured");
        assertThat(ping("gw", D, GATEWAY)).as("d as itself again").startsWith("reached " + GATEWAY);
    }

    /** Waits until host hN's switch guards the port of VM {@code vm}'s NIC. */
    private static void awaitGuarded(int host, JsonNode vm) {
        String mac = vm.get("nics").get(0).get("mac").asText();
        Awaitility.await("the switch of h" + host + " guards " + mac).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1)).until(() -> run("ip", "netns", "exec", "h" + host, "env",
                        "OVS_RUNDIR=" + LAB.lab().directory().resolve("hosts/h" + host + "/ovsrun"), "ovs-ofctl",
                        "dump-flows", "sw0").contains("dl_src=" + mac));
    }

    /** What a capture of {@code filter} on lab port lp-PORT saw while {@code action} ran, with tcpdump's count. */
    private static String capturedAt(String port, String filter, ThrowingRunnable action) throws Exception {
        Process capture = new ProcessBuilder("ip", "netns", "exec", "lp-" + port, "timeout", "-s", "INT", "20",
                "tcpdump", "-n", "-e", "-l", "-i", "eth0", filter).redirectErrorStream(true).start();
        Thread.sleep(1500);
        action.run();
        Thread.sleep(1000);
        // tcpdump counts what it captured as it ends
        for (ProcessHandle process : capture.descendants().toList()) {
            if (process.info().command().orElse("").endsWith("tcpdump")) {
                Ran.run("kill", "-INT", Long.toString(process.pid()));
            }
        }
        String seen = new String(capture.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        capture.waitFor();
        return seen;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** What a capture on lab port lp-mon saw of ICMP while a pinged b. */
    private static String capturedWhileAPingsB() throws Exception {
        Process capture = new ProcessBuilder("ip", "netns", "exec", "lp-mon", "timeout", "6", "tcpdump", "-n", "-l",
                "-i", "eth0", "icmp").redirectErrorStream(true).start();
        Thread.sleep(1500);
        assertThat(ping("v10", A, B)).startsWith("reached " + B);
        String seen = new String(capture.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        capture.waitFor();
        return seen;
    }

    private static String run(String... command) throws Exception {
        return Ran.ok(command);
    }

    private static void awaitAnswer(String port, String address, String hostname) {
        Awaitility.await(hostname + " answers on " + address + " in the VLAN of port " + port)
                .atMost(LabGuests.BOOT).pollInterval(Duration.ofSeconds(1))
                .until(() -> curl(port, address, "/hostname").equals(hostname));
    }

    /** What {@code from} says when asked to ping {@code to}: "reached ..." or "unreached ...", then ping's output. */
    private static String ping(String port, String from, String to) throws Exception {
        return curl(port, from, "/cgi-bin/ping?" + to);
    }

    /** The body of http://ADDRESS/PATH fetched from lab machine lp-PORT, empty when nothing answers. */
    private static String curl(String port, String address, String path) throws Exception {
        Ran ran = Ran.run("ip", "netns", "exec", "lp-" + port, "curl", "-s", "-f", "-m", "10",
                "http://" + address + path);
        return ran.exitCode() == 0 ? ran.output().strip() : "";
    }
}
