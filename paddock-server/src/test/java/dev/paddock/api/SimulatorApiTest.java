package dev.paddock.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.cli.Cli;
import dev.paddock.model.Host;
import dev.paddock.model.HostState;
import dev.paddock.model.PowerState;
import dev.paddock.model.VmState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Faults a demo user injects into the simulated room, through HTTP and the command line. */
class SimulatorApiTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    private TestServer.Reply fault(String hostId, String fault) {
        return server.post("/api/v1/sim/hosts/" + hostId + "/faults", "{\"fault\":\"" + fault + "\"}");
    }

    @Test
    void aCrashedHostIsUnreachableUntilItIsPoweredOnAgain() {
        TestServer.Reply crash = fault("host-1", "crash");

        assertThat(crash.status()).as(crash.body()).isEqualTo(200);
        assertThat(crash.json().get("poweredOn").asBoolean()).isFalse();
        assertThat(server.hypervisor.isConnected("host-1")).isFalse();
        assertThat(fault("host-1", "crash").status()).as("a host that is off cannot crash").isEqualTo(409);
        assertThat(server.get("/api/v1/audit").json().get("items").get(0).get("action").asText())
                .isEqualTo("sim.fault");

        TestServer.Reply powerOn = fault("host-1", "power-on");

        assertThat(powerOn.status()).isEqualTo(200);
        assertThat(powerOn.json().get("poweredOn").asBoolean()).isTrue();
        assertThat(server.hypervisor.isConnected("host-1")).isTrue();
    }

    @Test
    void anIsolatedHostKeepsItsGuestsRunningAndReconnects() {
        String vm = server.createVm("web", 1, 512);
        assertThat(server.hypervisor.domain("host-1", vm).or(() -> server.hypervisor.domain("host-2", vm)))
                .hasValueSatisfying(d -> assertThat(d.state()).isEqualTo(VmState.RUNNING));
        String host = server.get("/api/v1/vms/" + vm).json().get("hostId").asText();

        TestServer.Reply isolate = fault(host, "isolate");

        assertThat(isolate.json().get("isolated").asBoolean()).isTrue();
        assertThat(isolate.json().get("poweredOn").asBoolean()).isTrue();
        assertThat(server.hypervisor.isConnected(host)).isFalse();
        assertThat(fault(host, "reconnect").json().get("isolated").asBoolean()).isFalse();
        assertThat(server.hypervisor.domain(host, vm)).hasValueSatisfying(
                d -> assertThat(d.state()).isEqualTo(VmState.RUNNING));
        assertThat(fault(host, "reconnect").status()).as("only an isolated host reconnects").isEqualTo(409);
    }

    @Test
    void aGuestCrashesOnlyWhenItRuns() {
        String vm = server.createVm("db", 1, 512);

        TestServer.Reply crash = server.post("/api/v1/sim/vms/" + vm + "/crash", "");

        assertThat(crash.status()).as(crash.body()).isEqualTo(200);
        String host = crash.json().get("hostId").asText();
        assertThat(server.hypervisor.domain(host, vm)).hasValueSatisfying(
                d -> assertThat(d.state()).isEqualTo(VmState.CRASHED));
        assertThat(server.post("/api/v1/sim/vms/" + vm + "/crash", "").status()).isEqualTo(409);
    }

    @Test
    void badFaultsAreRefusedWithTheReason() {
        TestServer.Reply unknown = fault("host-1", "explode");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.json().get("detail").asText()).contains("crash, power-on, isolate or reconnect");

        assertThat(fault("no-such-host", "crash").status()).isEqualTo(404);

        server.store.put(new Host("host-9", TestServer.CLUSTER.id(), "rack-9", "qemu+tcp://10.0.0.9/system",
                TestServer.HOST_CAPACITY, HostState.DISCONNECTED, PowerState.UNKNOWN, Set.of()));
        TestServer.Reply real = fault("host-9", "crash");
        assertThat(real.status()).isEqualTo(409);
        assertThat(real.json().get("detail").asText()).contains("not simulated");
    }

    @Test
    void theCommandLineCrashesAHostByName() {
        StringWriter out = new StringWriter();

        int status = Cli.run(new String[] {"host", "fault", "crash", "h2"}, new PrintWriter(out),
                new PrintWriter(new StringWriter()), Map.of("PADDOCK_URL", server.url().toString(), "PADDOCK_TOKEN", server.adminToken));

        assertThat(status).as(out.toString()).isZero();
        assertThat(out.toString()).contains("Host h2 is powered off");
        assertThat(server.hypervisor.isConnected("host-2")).isFalse();
    }
}
