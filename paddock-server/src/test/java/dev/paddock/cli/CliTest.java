package dev.paddock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.api.TestServer;
import dev.paddock.api.TestServerExtension;
import dev.paddock.json.Json;
import dev.paddock.sim.CallKind;
import dev.paddock.sim.Fault;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The command line, run in-process against a real server: what it prints and the status it exits with. */
class CliTest {

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    TestServer server;

    record Run(int status, String out, String err) {}

    private Run paddock(String... args) {
        return paddockWith(Map.of("PADDOCK_URL", server.url().toString(), "PADDOCK_TOKEN", server.adminToken), args);
    }

    private static Run paddockWith(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Cli.run(args, new PrintWriter(out), new PrintWriter(err), env);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void hostsAreListedAsATable() {
        Run run = paddock("hosts");

        assertThat(run.status()).isZero();
        assertThat(run.out().lines().findFirst()).hasValueSatisfying(header -> assertThat(header)
                .startsWith("NAME").contains("STATE", "CPU", "MEMORY"));
        assertThat(run.out()).containsPattern("h1\\s+CONNECTED\\s+ON\\s+8 vCPU\\s+16 GiB\\s+sim://h1");
    }

    @Test
    void createWaitsWithAProgressBarAndTheVmIsListed() {
        Run create = paddock("vm", "create", "web", "--cpu", "2", "--memory", "2G", "--wait");
        Run vms = paddock("vms");

        assertThat(create.status()).as(create.err()).isZero();
        assertThat(create.out()).contains("\r[").contains("100%  3/3  done");
        assertThat(vms.out()).containsPattern("web\\s+RUNNING\\s+h1\\s+2 vCPU\\s+2 GiB");
    }

    @Test
    void createWithAWatchdogDefinesTheVmWithIt() {
        Run create = paddock("vm", "create", "guarded", "--cpu", "1", "--memory", "512", "--watchdog", "pause",
                "--wait");
        Run wrong = paddock("vm", "create", "odd", "--cpu", "1", "--memory", "512", "--watchdog", "explode");

        assertThat(create.status()).as(create.err()).isZero();
        var watchdog = server.get("/api/v1/vms").json().get("items").get(0).get("watchdog");
        assertThat(watchdog.get("model").asText()).isEqualTo("I6300ESB");
        assertThat(watchdog.get("action").asText()).isEqualTo("PAUSE");
        assertThat(wrong.status()).isNotZero();
        assertThat(wrong.err()).contains("Field 'watchdog.action' must be one of reset, poweroff, pause, none");
    }

    @Test
    void aNetworkMadeOnTwoHostsIsListedWithThemAndAVmGetsANicOnIt() {
        Run create = paddock("network", "create", "backend", "--host", "h1", "--host", "h2", "--wait");
        Run list = paddock("network", "list");
        Run vm = paddock("vm", "create", "web", "--cpu", "1", "--memory", "512", "--nic", "backend,mac=52:54:00:0A:0B:0C",
                "--wait");

        assertThat(create.status()).as(create.err()).isZero();
        assertThat(list.out().lines().findFirst()).hasValueSatisfying(header -> assertThat(header)
                .startsWith("NAME").contains("SITE", "HOSTS", "BRIDGES"));
        assertThat(list.out()).containsPattern("backend\\s+site-1\\s+h1,h2\\s+pdk[0-9a-f]{8}\\s");
        assertThat(vm.status()).as(vm.err()).isZero();
        assertThat(server.get("/api/v1/vms").json().get("items").get(0).get("nics").get(0).get("mac").asText())
                .isEqualTo("52:54:00:0a:0b:0c");
    }

    @Test
    void withoutWaitTheOperationIdIsPrintedAndOpsWatchFollowsIt() {
        Run create = paddock("vm", "create", "api", "--cpu", "1", "--memory", "512");
        String id = create.out().replaceAll("(?s).*operation (\\S+) accepted.*", "$1").trim();

        Run watch = paddock("ops", "watch", id);
        Run ops = paddock("ops");

        assertThat(create.status()).isZero();
        assertThat(watch.status()).isZero();
        assertThat(watch.out()).contains("done");
        assertThat(ops.out()).contains(id).contains("vm.create");
    }

    @Test
    void aVmIsNamedByNameOrIdThroughItsLife() {
        paddock("vm", "create", "db", "--cpu", "1", "--memory", "1G", "--wait");

        assertThat(paddock("vm", "stop", "db", "--force", "--wait").status()).isZero();
        assertThat(paddock("vm", "start", "db", "--wait").status()).isZero();
        String id = server.get("/api/v1/vms").json().get("items").get(0).get("id").asText();
        assertThat(paddock("vm", "delete", id, "--force", "--wait").status()).isZero();
        Run gone = paddock("vm", "start", "db");

        assertThat(gone.status()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(gone.err()).isEqualTo("paddock: No VM is named or has id 'db'.\n");
    }

    @Test
    void deletingARunningVmWithoutForceIsAConflict() {
        paddock("vm", "create", "busy", "--cpu", "1", "--memory", "1G", "--wait");

        Run run = paddock("vm", "delete", "busy");

        assertThat(run.status()).isEqualTo(ExitCode.CONFLICT.code());
        assertThat(run.err()).isEqualTo("paddock: VM 'busy' is running; stop it first or delete with force=true.\n");
    }

    @Test
    void anAbsurdSizeIsRejectedWithTheServersSentence() {
        Run run = paddock("vm", "create", "huge", "--cpu", "1", "--memory", "999G");

        assertThat(run.status()).isEqualTo(ExitCode.REJECTED.code());
        assertThat(run.err()).startsWith("paddock: Field 'memoryMib' must be between 1 and 16384 MiB")
                .doesNotContain("Exception", "\tat ");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void aTakenNameIsAConflict() {
        paddock("vm", "create", "twin", "--cpu", "1", "--memory", "512", "--wait");

        assertThat(paddock("vm", "create", "twin", "--cpu", "1", "--memory", "512").status())
                .isEqualTo(ExitCode.CONFLICT.code());
    }

    @Test
    void aFailedOperationExitsWithItsOwnStatus() {
        server.hypervisor.inject(new Fault.FailingCalls(CallKind.DEFINE, 100));

        Run run = paddock("vm", "create", "doomed", "--cpu", "1", "--memory", "512", "--wait");

        assertThat(run.status()).isEqualTo(ExitCode.OPERATION_FAILED.code());
        assertThat(run.err()).startsWith("paddock: operation ").contains(" ended ");
    }

    @Test
    void jsonOutputIsParseable() throws IOException {
        paddock("vm", "create", "j", "--cpu", "1", "--memory", "512", "--wait");

        Run run = paddock("--output", "json", "vms");
        JsonNode vms = Json.mapper().readTree(run.out());

        assertThat(vms.isArray()).isTrue();
        assertThat(vms.get(0).get("name").asText()).isEqualTo("j");
    }

    @Test
    void theServerOptionWinsOverTheEnvironment() {
        Run run = paddockWith(Map.of("PADDOCK_URL", "http://127.0.0.1:1", "PADDOCK_TOKEN", server.adminToken), "--server", server.url().toString(),
                "hosts");

        assertThat(run.status()).as(run.err()).isZero();
    }

    @Test
    void anUnreachableServerHasItsOwnStatusAndSaysWhatToDo() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        Run run = paddockWith(Map.of(), "--server", "http://127.0.0.1:" + closedPort, "vms");

        assertThat(run.status()).isEqualTo(ExitCode.UNREACHABLE.code());
        assertThat(run.err()).startsWith("paddock: Cannot reach the Paddock server at http://127.0.0.1:" + closedPort);
    }

    @Test
    void aMissingOptionIsAUsageError() {
        Run run = paddock("template", "create", "x", "--cpu", "1", "--memory", "1G");

        assertThat(run.status()).isEqualTo(ExitCode.USAGE.code());
        assertThat(run.err()).contains("--image").contains("paddock template create --help");
    }

    @Test
    void anUnknownVerbOrAMissingOneIsAUsageError() {
        Run unknown = paddock("frobnicate");
        Run bare = paddock("vm");

        assertThat(unknown.status()).isEqualTo(ExitCode.USAGE.code());
        assertThat(unknown.err()).contains("frobnicate");
        assertThat(bare.status()).isEqualTo(ExitCode.USAGE.code());
        assertThat(bare.err()).startsWith("paddock: Say what to do with a VM");
    }

    @Test
    void aMemorySizeWithoutMeaningIsAUsageError() {
        Run run = paddock("vm", "create", "x", "--cpu", "1", "--memory", "lots");

        assertThat(run.status()).isEqualTo(ExitCode.USAGE.code());
        assertThat(run.err()).contains("'lots' is not a memory size");
    }

    @Test
    void watchingAnUnknownOperationIsNotFound() {
        Run run = paddock("ops", "watch", "no-such-op");

        assertThat(run.status()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(run.err()).isEqualTo("paddock: No operation has id 'no-such-op'.\n");
    }

    @Test
    void aRogueVmIsQuarantinedByNameAndAManagedOneCannotBeAdoptedAgain() {
        String rogue = java.util.UUID.randomUUID().toString();
        server.hypervisor.define(TestServer.HOST_1.id(), dev.paddock.hypervisor.DomainSpec.of(rogue, "miner", 1, 512));
        server.hypervisor.start(TestServer.HOST_1.id(), rogue);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> server.get("/api/v1/vms/" + rogue).status() == 200);

        Run quarantine = paddock("vm", "quarantine", "miner", "--wait");
        Run adopt = paddock("vm", "adopt", "miner", "--wait");
        Run again = paddock("vm", "adopt", "miner");

        assertThat(quarantine.status()).as(quarantine.err()).isZero();
        assertThat(quarantine.out()).contains("done");
        assertThat(adopt.status()).as(adopt.err()).isZero();
        assertThat(server.get("/api/v1/vms/" + rogue).json().get("origin").asText()).isEqualTo("MANAGED");
        assertThat(again.status()).isEqualTo(ExitCode.CONFLICT.code());
        assertThat(again.err()).isEqualTo("paddock: VM 'miner' is managed by Paddock already.\n");
    }

    @Test
    void helpListsTheExitCodes() {
        Run run = paddock("--help");

        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("Exit codes:").contains("6  the server cannot be reached");
    }
}
