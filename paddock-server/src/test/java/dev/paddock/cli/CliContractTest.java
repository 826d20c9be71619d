package dev.paddock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.paddock.api.TestServer;
import dev.paddock.api.TestServerExtension;
import dev.paddock.cli.CliContract.Example;
import dev.paddock.cli.CliContract.Mistake;
import dev.paddock.cli.CliContract.Run;
import dev.paddock.hypervisor.DomainSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every verb of {@code paddock}, found by walking its command tree, keeps {@link CliContract} against a real server
 * on the simulated room. A new verb needs one entry in {@link #examples()}; the test says so when it is missing.
 */
class CliContractTest {

    /** A host model the test server's 8-vCPU hosts can take. */
    private static final String TEST_HOSTS = "cpu=8000,memory=16384,disk=500,network=10000,watts=300,cost=5000";
    /** What standard input gives the verbs that read a password. */
    private static final String PASSWORD = "a password long enough";
    private static final String SERVERS_CSV = "name,cpu_cores,cpu_util_pct,memory_gib,memory_util_pct,disk_gib,"
            + "network_mbps\nweb-1,4,40,8,50,40,100\napp-1,4,50,8,50,40,100\n";

    @RegisterExtension
    static final TestServerExtension servers = TestServerExtension.onH2();

    /** A fresh server for each verb: what one verb does to the room (maintenance, faults) is no other's business. */
    TestServer server;

    @TempDir
    Path directory;

    CliContract contract;
    Path csv;
    /** The webhook receiver of the channel verbs, started by the first channel made. */
    HttpServer receiver;

    @BeforeEach
    void contract() throws IOException {
        contract = new CliContract(this::paddock, "http://127.0.0.1:" + closedPort());
        csv = Files.writeString(directory.resolve("servers.csv"), SERVERS_CSV);
    }

    private Run paddock(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Cli.run(args.toArray(String[]::new), new BufferedReader(new StringReader(PASSWORD + "\n")),
                new PrintWriter(out), new PrintWriter(err), Map.of("PADDOCK_URL", server.url().toString(),
                        "PADDOCK_TOKEN", server.adminToken, "XDG_CONFIG_HOME", directory.toString()));
        return new Run(status, out.toString(), err.toString());
    }

    private static CommandLine tree() {
        return Cli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Map.of());
    }

    @Test
    void theWalkFindsTheVerbsAndEachHasAnExample() {
        assertThat(CliContract.verbs(tree())).extracting(CliContract::name)
                .contains("vms", "vm create", "ops", "ops watch", "consolidate plan", "server");

        assertThat(CliContract.unmatched(tree(), examples(), "CliContractTest.examples()")).isEmpty();
    }

    static Stream<String> verbs() {
        return CliContract.verbs(tree()).stream().map(CliContract::name);
    }

    static Stream<String> groups() {
        return CliContract.groups(tree()).stream().map(CliContract::name);
    }

    @ParameterizedTest(name = "paddock {0} keeps the contract")
    @MethodSource("verbs")
    void everyVerbKeepsTheContract(String verb) {
        Example example = examples().get(verb);
        Assumptions.assumeTrue(example != null, "no example; theWalkFindsTheVerbsAndEachHasAnExample says what to add");

        assertThat(contract.violations(command(verb), example)).isEmpty();
    }

    @ParameterizedTest(name = "paddock {0} alone is a usage error")
    @MethodSource("groups")
    void everyGroupRunBareAsksForAVerb(String group) {
        assertThat(contract.violations(command(group))).isEmpty();
    }

    private static CommandLine command(String words) {
        CommandLine command = tree();
        for (String word : words.split(" ")) {
            command = command.getSubcommands().get(word);
        }
        return command;
    }

    @Test
    void verbsThatNeverTalkToAServerOrPrintNoResultDoNotOfferTheOptions() {
        CommandLine tree = tree();
        CommandLine server = tree.getSubcommands().get("server");
        CommandLine plan = tree.getSubcommands().get("consolidate").getSubcommands().get("plan");

        assertThat(server.getCommandSpec().findOption("--output")).isNull();
        assertThat(server.getCommandSpec().findOption("--server")).isNull();
        assertThat(plan.getCommandSpec().findOption("--server")).isNull();
        assertThat(plan.getCommandSpec().findOption("--output")).isNotNull();
    }

    /**
     * How to run each verb against the test server, and the mistakes particular to it (an unknown option, and an
     * unreachable server for verbs that offer {@code --server}, are tried on every verb).
     */
    Map<String, Example> examples() {
        return Map.ofEntries(
                Map.entry("hosts", Example.of(List::of, Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("vms", Example.of(List::of, Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("ha status", Example.of(List::of,
                        Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("ops", Example.of(List::of, Mistake.of("a limit below one", ExitCode.USAGE, "--limit", "0"),
                        Mistake.of("a limit that is no number", ExitCode.USAGE, "--limit", "many"))),
                Map.entry("ops watch", Example.of(() -> List.of(operation()),
                        Mistake.of("an unknown operation", ExitCode.NOT_FOUND, "no-such-op"),
                        Mistake.of("no operation", ExitCode.USAGE))),
                Map.entry("ops cancel", Example.of(() -> List.of(runningOperation()),
                        Mistake.of("an unknown operation", ExitCode.NOT_FOUND, "no-such-op"),
                        Mistake.of("no operation", ExitCode.USAGE))),
                Map.entry("host maintenance", Example.of(() -> List.of("enter", "h1"),
                        Mistake.of("an unknown host", ExitCode.NOT_FOUND, "enter", "no-such-host"),
                        Mistake.of("an unknown action", ExitCode.USAGE, "sideways", "h1"))),
                Map.entry("host fault", Example.of(() -> List.of("isolate", "h2"),
                        Mistake.of("an unknown host", ExitCode.NOT_FOUND, "crash", "no-such-host"),
                        Mistake.of("an unknown fault", ExitCode.REJECTED, "explode", "h1"))),
                Map.entry("vm create", Example.of(() -> List.of("made", "--cpu", "1", "--memory", "256",
                                "--max-cpu", "4", "--max-memory", "1G"),
                        Mistake.of("a maximum below what it has", ExitCode.REJECTED, "x", "--cpu", "2", "--memory",
                                "256", "--max-cpu", "1"),
                        Mistake.of("a memory size without meaning", ExitCode.USAGE, "x", "--cpu", "1", "--memory",
                                "lots"),
                        Mistake.of("an absurd size", ExitCode.REJECTED, "x", "--cpu", "1", "--memory", "999G"),
                        Mistake.of("an unknown cluster", ExitCode.REJECTED, "x", "--cpu", "1", "--memory", "256",
                                "--cluster", "no-such-cluster"),
                        Mistake.of("a NIC without a network", ExitCode.USAGE, "x", "--cpu", "1", "--memory", "256",
                                "--nic", ",mac=52:54:00:00:00:01"),
                        Mistake.of("a NIC on a network the site lacks", ExitCode.REJECTED, "x", "--cpu", "1",
                                "--memory", "256", "--nic", "no-such-network"))),
                Map.entry("network create", Example.of(() -> List.of("backend", "--host", "h1", "--host", "h2",
                                "--wait"),
                        Mistake.of("an unknown host", ExitCode.REJECTED, "x", "--host", "no-such-host"),
                        Mistake.of("a bridge the host lacks", ExitCode.REJECTED, "x", "--host", "h1", "--bridge",
                                "nobr0"))),
                Map.entry("network list", Example.of(List::of,
                        Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("network delete", Example.of(() -> List.of(network("gone")),
                        Mistake.of("an unknown network", ExitCode.NOT_FOUND, "no-such-network"),
                        Mistake.of("no network", ExitCode.USAGE))),
                Map.entry("licence set", Example.of(() -> List.of("oracle", "--metric", "host-core", "--entitlement",
                                "16", "--relocation-days", "90"),
                        Mistake.of("an unknown metric", ExitCode.REJECTED, "x", "--metric", "socket"),
                        Mistake.of("no metric", ExitCode.USAGE, "x"))),
                Map.entry("licence list", Example.of(List::of,
                        Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("licence delete", Example.of(() -> List.of(licence("gone")),
                        Mistake.of("an unknown licence", ExitCode.NOT_FOUND, "no-such-licence"),
                        Mistake.of("no licence", ExitCode.USAGE))),
                Map.entry("balance show", Example.of(() -> List.of("prod"),
                        Mistake.of("an unknown cluster", ExitCode.NOT_FOUND, "no-such-cluster"),
                        Mistake.of("no cluster", ExitCode.USAGE))),
                Map.entry("balance set", Example.of(() -> List.of("prod", "--mode", "recommend", "--threshold", "12"),
                        Mistake.of("an unknown mode", ExitCode.REJECTED, "prod", "--mode", "sometimes"),
                        Mistake.of("a threshold of 0", ExitCode.REJECTED, "prod", "--threshold", "0"),
                        Mistake.of("no cluster", ExitCode.USAGE))),
                Map.entry("balance apply", Example.of(() -> List.of(unbalanced("prod"), "--wait"),
                        Mistake.of("an unknown cluster", ExitCode.NOT_FOUND, "no-such-cluster"),
                        Mistake.of("no cluster", ExitCode.USAGE))),
                Map.entry("power show", Example.of(() -> List.of("prod"),
                        Mistake.of("an unknown cluster", ExitCode.NOT_FOUND, "no-such-cluster"),
                        Mistake.of("no cluster", ExitCode.USAGE))),
                Map.entry("power set", Example.of(() -> List.of("prod", "--mode", "recommend", "--low", "0.3"),
                        Mistake.of("an unknown mode", ExitCode.REJECTED, "prod", "--mode", "sometimes"),
                        Mistake.of("a low above high", ExitCode.REJECTED, "prod", "--low", "0.9"),
                        Mistake.of("no cluster", ExitCode.USAGE))),
                // the test server's two hosts are the fewest a cluster keeps, and it runs no fence agent: the demo
                // room proves a standby and a wake (PowerSavingDemoTest)
                Map.entry("power apply", Example.withoutSuccess(() -> List.of("prod", "--wait"),
                        Mistake.of("an unknown cluster", ExitCode.NOT_FOUND, "no-such-cluster"),
                        Mistake.of("no cluster", ExitCode.USAGE))),
                Map.entry("network repair", Example.of(() -> List.of(driftedNetwork("astray"), "--wait"),
                        Mistake.of("an unknown network", ExitCode.NOT_FOUND, "no-such-network"),
                        Mistake.of("no network", ExitCode.USAGE))),
                onVm("vm start", () -> List.of(vm("cold", false))),
                onVm("vm stop", () -> List.of(vm("warm", true), "--force")),
                onVm("vm delete", () -> List.of(vm("doomed", true), "--force")),
                onVm("vm migrate", () -> List.of(vm("mover", true))),
                onVm("vm adopt", () -> List.of(rogue("stray"))),
                onVm("vm quarantine", () -> List.of(rogue("miner"))),
                Map.entry("vm console", Example.of(() -> List.of(vm("tty", true)),
                        Mistake.of("an unknown VM", ExitCode.NOT_FOUND, "no-such-vm"),
                        Mistake.of("no VM", ExitCode.USAGE),
                        Mistake.of("a VM of the simulated room, which has no console", ExitCode.CONFLICT, "tty"),
                        Mistake.of("a VM of the simulated room, taken over", ExitCode.CONFLICT, "tty", "--force"))),
                Map.entry("vm vnc", Example.of(() -> List.of(vm("screen", true)),
                        Mistake.of("an unknown VM", ExitCode.NOT_FOUND, "no-such-vm"),
                        Mistake.of("no VM", ExitCode.USAGE),
                        Mistake.of("a VM of the simulated room, which has no display", ExitCode.CONFLICT, "screen"),
                        Mistake.of("a rotation on the simulated room", ExitCode.CONFLICT, "screen", "--rotate"))),
                Map.entry("vm mirror", Example.of(() -> List.of(watched("watched"), "--nic", "52:54:00:00:10:07",
                                "--to", "ids0", "--direction", "out", "--wait"),
                        Mistake.of("no NIC", ExitCode.USAGE, "x", "--to", "ids0"),
                        Mistake.of("neither a port nor --off", ExitCode.USAGE, "x", "--nic", "52:54:00:00:10:07"),
                        Mistake.of("--off with a port", ExitCode.USAGE, "x", "--nic", "52:54:00:00:10:07", "--off",
                                "--to", "ids0"),
                        Mistake.of("an unknown VM", ExitCode.NOT_FOUND, "no-such-vm", "--nic", "52:54:00:00:10:07",
                                "--to", "ids0"))),
                Map.entry("vm set", Example.of(() -> List.of(vm("resized", false), "--cpu", "2", "--memory", "512M",
                                "--name", "resized-2", "--max-cpu", "4", "--max-memory", "2G", "--wait"),
                        Mistake.of("a maximum of memory without meaning", ExitCode.USAGE, "x", "--max-memory", "lots"),
                        Mistake.of("an unknown VM", ExitCode.NOT_FOUND, "no-such-vm", "--cpu", "2"),
                        Mistake.of("no VM", ExitCode.USAGE),
                        Mistake.of("a memory size without meaning", ExitCode.USAGE, "x", "--memory", "lots"))),
                Map.entry("datastore create", Example.of(() -> List.of("local", "--type", "dir", "--path",
                                "/var/lib/paddock/local", "--host", "h1", "--wait"),
                        Mistake.of("an unknown host", ExitCode.REJECTED, "x", "--type", "dir", "--path", "/d",
                                "--host", "no-such-host"),
                        Mistake.of("an unknown type", ExitCode.REJECTED, "x", "--type", "zfs", "--path", "/d",
                                "--host", "h1"),
                        Mistake.of("no host", ExitCode.USAGE, "x", "--type", "dir", "--path", "/d"))),
                Map.entry("datastore list", Example.of(List::of,
                        Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("datastore delete", Example.of(() -> List.of(datastore("pool-gone"), "--wait"),
                        Mistake.of("an unknown datastore", ExitCode.NOT_FOUND, "no-such-datastore"),
                        Mistake.of("no datastore", ExitCode.USAGE))),
                Map.entry("datastore volumes", Example.of(() -> List.of(datastore("pool-1")),
                        Mistake.of("an unknown datastore", ExitCode.NOT_FOUND, "no-such-datastore"),
                        Mistake.of("no datastore", ExitCode.USAGE))),
                Map.entry("image upload", Example.of(() -> List.of(imageFile("up.qcow2"), "--datastore",
                                datastore("lib-up")),
                        Mistake.of("a missing file", ExitCode.USAGE, "no-such.qcow2", "--datastore", "x"),
                        Mistake.of("an unknown datastore", ExitCode.NOT_FOUND, "pom.xml", "--datastore",
                                "no-such-datastore"),
                        Mistake.of("no datastore", ExitCode.USAGE, "pom.xml"))),
                Map.entry("image import", Example.of(() -> List.of(hostFile("lib-imp", "disk.raw"), "--datastore",
                                "lib-imp", "--name", "copied"),
                        Mistake.of("an unknown datastore", ExitCode.NOT_FOUND, "/srv/x", "--datastore",
                                "no-such-datastore", "--name", "x"),
                        Mistake.of("no name", ExitCode.USAGE, "/srv/x", "--datastore", "x"))),
                Map.entry("image list", Example.of(List::of,
                        Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("image delete", Example.of(() -> List.of(image("lib-del", "gone.qcow2")),
                        Mistake.of("an unknown image", ExitCode.NOT_FOUND, "no-such-image"),
                        Mistake.of("no image", ExitCode.USAGE))),
                Map.entry("template create", Example.of(() -> List.of("small", "--image", image("lib-tpl",
                                "base.qcow2"), "--cpu", "1", "--memory", "256"),
                        Mistake.of("an unknown image", ExitCode.REJECTED, "x", "--image", "no-such-image", "--cpu",
                                "1", "--memory", "256"),
                        Mistake.of("no image", ExitCode.USAGE, "x", "--cpu", "1", "--memory", "256"))),
                Map.entry("login", Example.of(() -> List.of("--user", user("ops"), "--password-stdin"),
                        Mistake.of("an unknown user", ExitCode.DENIED, "--user", "nobody", "--password-stdin"))),
                Map.entry("logout", Example.of(List::of, Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("user list", Example.of(List::of, Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("user create", Example.of(() -> List.of("alice", "--group", "ops"),
                        Mistake.of("a name with a space", ExitCode.REJECTED, "a b"),
                        Mistake.of("no name", ExitCode.USAGE))),
                Map.entry("user delete", Example.of(() -> List.of(user("gone")),
                        Mistake.of("an unknown user", ExitCode.NOT_FOUND, "no-such-user"),
                        Mistake.of("no user", ExitCode.USAGE))),
                Map.entry("user grant", Example.of(() -> List.of(user("bob"), "operator", "--cluster",
                                TestServer.CLUSTER.id()),
                        Mistake.of("an unknown role", ExitCode.REJECTED, "admin", "no-such-role"),
                        Mistake.of("a site and a cluster", ExitCode.USAGE, "admin", "operator", "--site", "s",
                                "--cluster", "c"))),
                Map.entry("token list", Example.of(List::of, Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("host add", Example.of(() -> List.of("h3", "--cluster", TestServer.CLUSTER.name(), "--uri",
                                "sim://spare"),
                        Mistake.of("an unknown cluster", ExitCode.NOT_FOUND, "h3", "--cluster", "no-such-cluster",
                                "--uri", "sim://spare"),
                        Mistake.of("no URI", ExitCode.USAGE, "h3", "--cluster", TestServer.CLUSTER.name()))),
                Map.entry("host remove", Example.of(() -> List.of(server.post("/api/v1/hosts", "{\"clusterId\":\""
                                + TestServer.CLUSTER.id() + "\",\"name\":\"h3\",\"uri\":\"sim://spare\"}").json()
                                .get("name").asText()),
                        Mistake.of("an unknown host", ExitCode.NOT_FOUND, "no-such-host"),
                        Mistake.of("no host", ExitCode.USAGE))),
                Map.entry("credential list", Example.of(List::of,
                        Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("credential add", Example.of(() -> List.of("lab", "--tls-ca", pem("server.crt"), "--tls-cert",
                                pem("server.crt"), "--tls-key", pem("server.key")),
                        Mistake.of("a missing file", ExitCode.REJECTED, "other", "--ssh-key", "no-such-key"),
                        Mistake.of("a certificate for a key", ExitCode.REJECTED, "other", "--ssh-key",
                                pem("server.crt")),
                        Mistake.of("TLS and SSH at once", ExitCode.USAGE, "lab", "--ssh-key", pem("server.key"),
                                "--tls-ca", pem("server.crt"), "--tls-cert", pem("server.crt"), "--tls-key",
                                pem("server.key")))),
                Map.entry("credential delete", Example.of(() -> List.of(credential("doomed")),
                        Mistake.of("an unknown credential", ExitCode.NOT_FOUND, "no-such-credential"),
                        Mistake.of("no credential", ExitCode.USAGE))),
                Map.entry("backup repos", Example.of(List::of,
                        Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("backup repo-add", Example.of(() -> List.of("main", "--path",
                                server.backupRoot().resolve("main-" + UUID.randomUUID()).toString()),
                        Mistake.of("a path outside the backup roots", ExitCode.REJECTED, "other", "--path",
                                "/etc/paddock-backups"),
                        Mistake.of("a new key and a key file", ExitCode.USAGE, "other", "--path", "/x", "--encrypt",
                                "--key-file", "k"),
                        Mistake.of("no path", ExitCode.USAGE, "other"))),
                Map.entry("backup repo-remove", Example.of(() -> List.of(backupRepository()),
                        Mistake.of("an unknown repository", ExitCode.NOT_FOUND, "no-such-repository"),
                        Mistake.of("no repository", ExitCode.USAGE))),
                Map.entry("backup list", Example.of(() -> List.of(backupRepository()),
                        Mistake.of("an unknown repository", ExitCode.NOT_FOUND, "no-such-repository"),
                        Mistake.of("no repository", ExitCode.USAGE))),
                Map.entry("backup verify", Example.of(() -> List.of(backupRepository()),
                        Mistake.of("an unknown repository", ExitCode.NOT_FOUND, "no-such-repository"),
                        Mistake.of("no repository", ExitCode.USAGE))),
                Map.entry("backup prune", Example.of(() -> List.of(backupRepository(), "--keep-last", "2"),
                        Mistake.of("a negative count", ExitCode.REJECTED, backupRepository(), "--keep-last", "-1"),
                        Mistake.of("no repository", ExitCode.USAGE))),
                Map.entry("backup forget", Example.of(this::pointWithFiles,
                        Mistake.of("an unknown point", ExitCode.NOT_FOUND, "no-such-repository", "no-such-point"),
                        Mistake.of("no point", ExitCode.USAGE, "repo"))),
                Map.entry("backup run", Example.withoutSuccess(() -> List.of("web", "--repository", "repo"),
                        Mistake.of("an unknown VM", ExitCode.NOT_FOUND, "no-such-vm", "--repository", "r"),
                        Mistake.of("no repository", ExitCode.USAGE, "web"))),
                Map.entry("backup restore", Example.withoutSuccess(() -> List.of("repo", "point", "--name", "x",
                                "--datastore", "d"),
                        Mistake.of("an unknown repository", ExitCode.NOT_FOUND, "no-such-repository", "p", "--name",
                                "x", "--datastore", "d"),
                        Mistake.of("no name", ExitCode.USAGE, "r", "p", "--datastore", "d"))),
                Map.entry("backup files", Example.of(() -> concat(pointWithFiles(), "/", "--disk", "vda"),
                        Mistake.of("an unknown disk", ExitCode.NOT_FOUND, "no-such-repository", "p", "--disk",
                                "vdz"),
                        Mistake.of("no disk", ExitCode.USAGE, "r", "p"))),
                Map.entry("backup extract", Example.of(() -> concat(pointWithFiles(), "/hello.txt", "--disk", "vda",
                                "--to", directory.resolve("hello-" + UUID.randomUUID()).toString()),
                        Mistake.of("no target file", ExitCode.USAGE, "r", "p", "/hello.txt", "--disk", "vda"),
                        Mistake.of("no path", ExitCode.USAGE, "r", "p", "--disk", "vda", "--to", "x"))),
                Map.entry("backup schedule add", Example.of(() -> List.of("nightly-" + UUID.randomUUID()
                                .toString().substring(0, 8), "--repository", backupRepository(), "--interval",
                                "daily 01:30 Europe/Paris", "--cluster", "prod", "--keep-last", "7"),
                        Mistake.of("an interval under 15 s", ExitCode.REJECTED, "fast", "--repository", "r",
                                "--interval", "every 5s", "--cluster", "prod"),
                        Mistake.of("no interval", ExitCode.USAGE, "x", "--repository", "r"))),
                Map.entry("backup schedule list", Example.of(List::of,
                        Mistake.of("an unknown schedule", ExitCode.NOT_FOUND, "no-such-schedule"))),
                Map.entry("backup schedule delete", Example.of(() -> List.of(backupSchedule()),
                        Mistake.of("an unknown schedule", ExitCode.NOT_FOUND, "no-such-schedule"),
                        Mistake.of("no schedule", ExitCode.USAGE))),
                Map.entry("backup schedule run", Example.of(() -> List.of(backupSchedule()),
                        Mistake.of("an unknown schedule", ExitCode.NOT_FOUND, "no-such-schedule"),
                        Mistake.of("no schedule", ExitCode.USAGE))),
                Map.entry("backup schedule enable", Example.of(() -> List.of(backupSchedule(), "--interval",
                                "every 1h"),
                        Mistake.of("an unknown schedule", ExitCode.NOT_FOUND, "no-such-schedule"),
                        Mistake.of("no schedule", ExitCode.USAGE))),
                Map.entry("backup schedule disable", Example.of(() -> List.of(backupSchedule()),
                        Mistake.of("an unknown schedule", ExitCode.NOT_FOUND, "no-such-schedule"),
                        Mistake.of("no schedule", ExitCode.USAGE))),
                Map.entry("replication add", Example.of(() -> List.of("dr-" + UUID.randomUUID().toString()
                                .substring(0, 8), "--source", backupRepository(), "--url", "https://site-b.example:8443",
                                "--token-file", tokenFile(), "--repository", "dr", "--bandwidth", "4MiB", "--interval",
                                "15s", "--rpo", "5m"),
                        Mistake.of("a token file that is not there", ExitCode.REJECTED, "x", "--source", "s",
                                "--url", "https://b", "--token-file", "no-such-token-file", "--repository", "dr"),
                        Mistake.of("a duration that is none", ExitCode.USAGE, "x", "--source", "s", "--url",
                                "https://b", "--token-file", "t", "--repository", "dr", "--interval", "soon"),
                        Mistake.of("no URL", ExitCode.USAGE, "x", "--source", "s", "--token-file", "t",
                                "--repository", "dr"))),
                Map.entry("replication list", Example.of(List::of,
                        Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("replication delete", Example.of(() -> List.of(replication()),
                        Mistake.of("an unknown replication", ExitCode.NOT_FOUND, "no-such-replication"),
                        Mistake.of("no replication", ExitCode.USAGE))),
                Map.entry("replication status", Example.of(() -> List.of(replication()),
                        Mistake.of("an unknown replication", ExitCode.NOT_FOUND, "no-such-replication"),
                        Mistake.of("no replication", ExitCode.USAGE))),
                Map.entry("replication run", Example.withoutSuccess(() -> List.of("r"),
                        Mistake.of("an unknown replication", ExitCode.NOT_FOUND, "no-such-replication"),
                        Mistake.of("no replication", ExitCode.USAGE))),
                Map.entry("token create", Example.of(() -> List.of("ci", "--role", "read-only", "--days", "7"),
                        Mistake.of("an unknown role", ExitCode.REJECTED, "ci", "--role", "no-such-role"),
                        Mistake.of("no days", ExitCode.REJECTED, "ci", "--days", "0"))),
                Map.entry("token delete", Example.of(() -> List.of(server.post("/api/v1/tokens",
                                "{\"name\":\"doomed\"}").json().get("id").asText()),
                        Mistake.of("an unknown token", ExitCode.NOT_FOUND, "no-such-token"),
                        Mistake.of("no token", ExitCode.USAGE))),
                Map.entry("template list", Example.of(List::of,
                        Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("template delete", Example.of(() -> List.of(template("doomed")),
                        Mistake.of("an unknown template", ExitCode.NOT_FOUND, "no-such-template"),
                        Mistake.of("no template", ExitCode.USAGE))),
                Map.entry("placement solve", Example.of(() -> List.of(setA("model"), setA("assignment"), "--seconds",
                                "1", "--out", directory.resolve("solution.txt").toString()),
                        Mistake.of("a missing model", ExitCode.REJECTED, "no-such-model.txt", "a.txt"),
                        Mistake.of("no time", ExitCode.USAGE, "m.txt", "a.txt", "--seconds", "0"))),
                Map.entry("consolidate plan", Example.of(() -> List.of(csv.toString(), "--host-model", TEST_HOSTS,
                                "--seconds", "1"),
                        Mistake.of("a missing file", ExitCode.REJECTED, "no-such.csv", "--host-model", "small"),
                        Mistake.of("a host model without its disk", ExitCode.USAGE, csv.toString(), "--host-model",
                                "cpu=1,memory=2"))),
                Map.entry("consolidate submit", Example.of(() -> List.of(csv.toString(), "--host-model", TEST_HOSTS,
                                "--cluster", "cluster-1", "--seconds", "1"),
                        Mistake.of("an unknown cluster", ExitCode.REJECTED, csv.toString(), "--host-model",
                                TEST_HOSTS, "--cluster", "no-such-cluster", "--seconds", "1"),
                        Mistake.of("a missing file", ExitCode.REJECTED, "no-such.csv", "--host-model", "small",
                                "--cluster", "cluster-1"))),
                Map.entry("host usage", Example.of(() -> List.of("h1", "--from", "30m", "--step", "5m"),
                        Mistake.of("an unknown host", ExitCode.NOT_FOUND, "no-such-host"),
                        Mistake.of("a step that is no span", ExitCode.REJECTED, "h1", "--step", "often"),
                        Mistake.of("no host", ExitCode.USAGE))),
                onVm("vm usage", () -> List.of(vm("sampled", true))),
                Map.entry("threshold add", Example.of(() -> List.of("busy-" + UUID.randomUUID().toString()
                                .substring(0, 8), "--metric", "host.cpu_percent", "--above", "90", "--for", "5m",
                                "--cluster", TestServer.CLUSTER.name()),
                        Mistake.of("an unknown metric", ExitCode.REJECTED, "x", "--metric", "host.cpu", "--above", "1"),
                        Mistake.of("a VM that does not exist", ExitCode.REJECTED, "x", "--metric", "vm.cpu_percent",
                                "--above", "1", "--vm", "no-such-vm"),
                        Mistake.of("neither above nor below", ExitCode.USAGE, "x", "--metric", "host.cpu_percent"),
                        Mistake.of("a duration that is none", ExitCode.USAGE, "x", "--metric", "host.cpu_percent",
                                "--above", "1", "--for", "soon"))),
                Map.entry("threshold list", Example.of(List::of,
                        Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("threshold remove", Example.of(this::threshold,
                        Mistake.of("an unknown threshold", ExitCode.NOT_FOUND, "no-such-threshold"),
                        Mistake.of("no threshold", ExitCode.USAGE))),
                Map.entry("channel add", Example.of(() -> List.of("mail-" + UUID.randomUUID().toString()
                                .substring(0, 8), "--smtp", "127.0.0.1:2525", "--from", "paddock@room.test", "--to",
                                "ops@room.test"),
                        Mistake.of("a malformed address", ExitCode.REJECTED, "m", "--smtp", "127.0.0.1", "--from",
                                "paddock", "--to", "ops@room.test"),
                        Mistake.of("a webhook URL that is none", ExitCode.REJECTED, "w", "--webhook", "hooks/ops"),
                        Mistake.of("neither webhook nor SMTP", ExitCode.USAGE, "x"))),
                Map.entry("channel list", Example.of(List::of,
                        Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("channel remove", Example.of(() -> List.of(channel("doomed")),
                        Mistake.of("an unknown channel", ExitCode.NOT_FOUND, "no-such-channel"),
                        Mistake.of("no channel", ExitCode.USAGE))),
                Map.entry("channel test", Example.of(() -> List.of(channel("tested"), closedChannel()).subList(0, 1),
                        Mistake.of("an unknown channel", ExitCode.NOT_FOUND, "no-such-channel"),
                        Mistake.of("a channel that does not deliver", ExitCode.ERROR, "closed"),
                        Mistake.of("no channel", ExitCode.USAGE))),
                Map.entry("audit verify", Example.of(List::of,
                        Mistake.of("a stray argument", ExitCode.USAGE, "extra"))),
                Map.entry("audit export", Example.of(List::of,
                        Mistake.of("a since that is neither a seq nor an instant", ExitCode.REJECTED, "--since",
                                "yesterday"))),
                // the servers run until stopped: only their mistakes, found before anything starts, are tried
                Map.entry("server", Example.of(List::of, Mistake.of("an unknown room", ExitCode.USAGE, "--room",
                        "mars"), Mistake.of("a port out of range", ExitCode.USAGE, "--port", "70000"))),
                Map.entry("demo", Example.of(List::of, Mistake.of("a port that is no number", ExitCode.USAGE,
                        "--port", "http"))));
    }

    /** A verb on one VM: the VM it acts on, and the mistakes of naming one. */
    private Map.Entry<String, Example> onVm(String verb, Supplier<List<String>> args) {
        return Map.entry(verb, Example.of(args, Mistake.of("an unknown VM", ExitCode.NOT_FOUND, "no-such-vm"),
                Mistake.of("no VM", ExitCode.USAGE)));
    }

    /** A VM made through the command line, running or not; its name. */
    private String vm(String name, boolean running) {
        List<String> create = new ArrayList<>(List.of("vm", "create", name, "--cpu", "1", "--memory", "256",
                "--wait"));
        if (!running) {
            create.add("--no-start");
        }
        Run run = paddock(create);
        assertThat(run.status()).as(run.err()).isZero();
        return name;
    }

    /** A running VM whose NIC 52:54:00:00:10:07 is on VLAN 10 of switch sw0 (its network made first); its name. */
    private String watched(String name) {
        Run network = paddock(List.of("network", "create", "vlan10", "--host", "h1", "--switch", "sw0", "--vlan",
                "10", "--wait"));
        assertThat(network.status()).as(network.err()).isZero();
        Run run = paddock(List.of("vm", "create", name, "--cpu", "1", "--memory", "256", "--nic",
                "vlan10,mac=52:54:00:00:10:07", "--wait"));
        assertThat(run.status()).as(run.err()).isZero();
        return name;
    }

    /** A network made on h1 through the command line; its name. */
    private String network(String name) {
        Run run = paddock(List.of("network", "create", name, "--host", "h1", "--wait"));
        assertThat(run.status()).as(run.err()).isZero();
        return name;
    }

    /** The cluster with three more 1-vCPU VMs on h1, for a balancing round to move; its name. */
    private String unbalanced(String cluster) {
        for (int i = 1; i <= 3; i++) {
            Run run = paddock(List.of("vm", "create", "heavy-" + i, "--cpu", "1", "--memory", "256", "--host", "host-1",
                    "--wait"));
            assertThat(run.status()).as(run.err()).isZero();
        }
        return cluster;
    }

    private String licence(String name) {
        Run run = paddock(List.of("licence", "set", name, "--metric", "vm"));
        assertThat(run.status()).as(run.err()).isZero();
        return name;
    }

    /** A network on the switches of h1 and h2 in VLAN 10, laid in VLAN 20 on h2 behind Paddock's back. */
    private String driftedNetwork(String name) {
        Run run = paddock(List.of("network", "create", name, "--host", "h1", "--host", "h2", "--switch", "sw0",
                "--vlan", "10", "--wait"));
        assertThat(run.status()).as(run.err()).isZero();
        server.hypervisor.undefineNetwork(TestServer.HOST_2.id(), name);
        server.hypervisor.defineNetwork(TestServer.HOST_2.id(), dev.paddock.hypervisor.NetworkSpec.overSwitch(name,
                "sw0", java.util.OptionalInt.of(20)));
        org.awaitility.Awaitility.await("the inventory finds " + name + " drifted").atMost(java.time.Duration
                .ofSeconds(10)).until(() -> {
                    String listed = paddock(List.of("network", "list", "-o", "json")).out();
                    for (var network : dev.paddock.json.Json.mapper().readTree(listed).path("items")) {
                        if (network.path("name").asText().equals(name) && !network.path("drift").isEmpty()) {
                            return true;
                        }
                    }
                    return false;
                });
        return name;
    }

    private String datastore(String name) {
        Run run = paddock(List.of("datastore", "create", name, "--type", "dir", "--path", "/srv/" + name, "--host",
                "h1", "--wait"));
        assertThat(run.status()).as(run.err()).isZero();
        return name;
    }

    /** A file of a self-signed certificate (server.crt) and its key (server.key), made once; its path. */
    private String pem(String file) {
        Path pki = directory.resolve("pki");
        if (!Files.exists(pki.resolve(file))) {
            dev.paddock.tls.ServerCertificate.selfSigned(pki, java.util.Set.of("paddock-client"));
        }
        return pki.resolve(file).toString();
    }

    /** A backup schedule of the test cluster's VMs made through the API, every hour; its name. */
    /** A threshold made through the API; its name, as the only argument. */
    private List<String> threshold() {
        String name = "t-" + UUID.randomUUID().toString().substring(0, 8);
        server.post("/api/v1/thresholds", "{\"name\":\"" + name + "\",\"metric\":\"host.cpu_percent\","
                + "\"comparison\":\"above\",\"value\":90}");
        return List.of(name);
    }

    /** A webhook channel to a receiver on loopback that takes every notice; its name. */
    private String channel(String name) {
        if (receiver == null) {
            try {
                receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            receiver.createContext("/hook", exchange -> {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            receiver.start();
        }
        server.post("/api/v1/channels", "{\"name\":\"" + name + "\",\"kind\":\"webhook\",\"url\":"
                + "\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\"}");
        return name;
    }

    /** A webhook channel named "closed" to a port nothing listens on; its name. */
    private String closedChannel() {
        server.post("/api/v1/channels", "{\"name\":\"closed\",\"kind\":\"webhook\",\"url\":\"http://127.0.0.1:"
                + closedPort() + "/hook\"}");
        return "closed";
    }

    @AfterEach
    void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private String backupSchedule() {
        String name = "hourly-" + UUID.randomUUID().toString().substring(0, 8);
        TestServer.Reply made = server.post("/api/v1/backup-schedules", "{\"name\":\"" + name + "\",\"repository\":\""
                + backupRepository() + "\",\"clusters\":[\"prod\"],\"interval\":\"every 1h\"}");
        if (made.status() != 201) {
            throw new IllegalStateException("schedule " + name + " answered " + made);
        }
        return name;
    }

    /** A backup repository made through the API under the server's backup root; its name. */
    private String backupRepository() {
        String name = "repo-" + UUID.randomUUID().toString().substring(0, 8);
        TestServer.Reply made = server.post("/api/v1/backup-repositories", "{\"name\":\"" + name + "\",\"path\":\""
                + server.backupRoot().resolve(name) + "\"}");
        if (made.status() != 201) {
            throw new IllegalStateException("repository " + name + " answered " + made);
        }
        return name;
    }

    /**
     * A repository made through the API holding one restore point whose disk vda is a FAT file system with
     * /hello.txt (written into the repository as a backup would); the repository's name and the point's id.
     */
    private List<String> pointWithFiles() {
        String name = backupRepository();
        try {
            Path image = directory.resolve(name + ".img");
            try (var file = new java.io.RandomAccessFile(image.toFile(), "rw")) {
                file.setLength(8 << 20);
            }
            run("mkfs.vfat", image.toString());
            Path hello = Files.writeString(directory.resolve("hello.txt"), "hello from a restore point\n");
            run("mcopy", "-i", image.toString(), hello.toString(), "::hello.txt");
            var repository = dev.paddock.backup.BackupRepository.open(server.backupRoot().resolve(name),
                    java.util.Optional.empty());
            try (var writer = repository.begin("vm-1", "{}", java.time.Instant.now(), java.util.Optional.empty());
                    var in = Files.newInputStream(image)) {
                writer.writeDisk("vda", in);
                return List.of(name, writer.commit().id());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A file holding an API token of another Paddock; its path. */
    private String tokenFile() {
        try {
            Path file = directory.resolve("site-b.token");
            Files.writeString(file, "site-b-token\n");
            return file.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (dosfstools and mtools are"
                        + " installed by ./paddock test): " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> concat(List<String> first, String... more) {
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    /** A replication made through the API to an address nothing answers; its name. */
    private String replication() {
        String name = "r-" + UUID.randomUUID().toString().substring(0, 8);
        TestServer.Reply made = server.post("/api/v1/replications", "{\"name\":\"" + name + "\",\"source\":\""
                + backupRepository() + "\",\"url\":\"https://site-b.example:8443\",\"token\":\"t\","
                + "\"repository\":\"dr\"}");
        if (made.status() != 201) {
            throw new IllegalStateException("replication " + name + " answered " + made);
        }
        return name;
    }

    /** A libvirt credential kept through the API; its name. */
    private String credential(String name) {
        try {
            String body = dev.paddock.json.Json.mapper().writeValueAsString(Map.of("name", name, "kind", "tls",
                    "caCertificate", Files.readString(Path.of(pem("server.crt"))),
                    "clientCertificate", Files.readString(Path.of(pem("server.crt"))),
                    "clientKey", Files.readString(Path.of(pem("server.key")))));
            TestServer.Reply kept = server.post("/api/v1/libvirt-credentials", body);
            if (kept.status() != 201) {
                throw new IllegalStateException("credential " + name + " answered " + kept);
            }
            return name;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A file holding the first bytes of a 1 GiB qcow2 image; its path. */
    private String imageFile(String name) {
        byte[] header = new byte[4096];
        header[0] = 'Q';
        header[1] = 'F';
        header[2] = 'I';
        header[3] = (byte) 0xfb;
        header[7] = 3;
        header[28] = 0x40;
        try {
            return java.nio.file.Files.write(directory.resolve(name), header).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A file on h1: a volume of a dir datastore made for it; its path on the host. */
    private String hostFile(String datastoreName, String file) {
        datastore(datastoreName);
        return server.hypervisor.createVolume(TestServer.HOST_1.id(), datastoreName, file, 16, "raw").path();
    }

    /** An image uploaded through the command line into a new datastore; its name. */
    private String image(String datastoreName, String name) {
        Run run = paddock(List.of("image", "upload", imageFile(name), "--datastore", datastore(datastoreName)));
        assertThat(run.status()).as(run.err()).isZero();
        return name;
    }

    /** A user made through the API with the password standard input gives; its name. */
    private String user(String name) {
        TestServer.Reply created = server.post("/api/v1/users", "{\"name\":\"" + name + "\",\"password\":\""
                + PASSWORD + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return name;
    }

    /** A template made through the command line over a new image; its name. */
    private String template(String name) {
        Run run = paddock(List.of("template", "create", name, "--image", image("lib-" + name, name + ".qcow2"),
                "--cpu", "1", "--memory", "256"));
        assertThat(run.status()).as(run.err()).isZero();
        return name;
    }

    /** A domain started behind Paddock's back, as the inventory sees it; its name. */
    private String rogue(String name) {
        String id = UUID.randomUUID().toString();
        server.hypervisor.define(TestServer.HOST_2.id(), DomainSpec.of(id, name, 1, 256));
        server.hypervisor.start(TestServer.HOST_2.id(), id);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.get("/api/v1/vms/" + id).status() == 200);
        return name;
    }

    /** The id of an operation that ended. */
    private String operation() {
        return server.awaitFinal(server.post("/api/v1/vms", "{\"name\":\"watched\",\"vcpus\":1,\"memoryMib\":256}"))
                .get("id").asText();
    }

    /**
     * The id of an operation still running: a graceful stop of a VM whose simulated guest shuts down only when the
     * test server's clock moves, which nothing here does.
     */
    private String runningOperation() {
        Run stop = paddock(List.of("vm", "stop", vm("held", true), "--timeout", "3600", "-o", "json"));
        assertThat(stop.status()).as(stop.err()).isZero();
        try {
            return dev.paddock.json.Json.mapper().readTree(stop.out()).get("id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void cancellingAnOperationThatEndedIsAConflictInOneSentence() {
        String ended = operation();

        Run run = paddock(List.of("ops", "cancel", ended));

        assertThat(run.status()).isEqualTo(ExitCode.CONFLICT.code());
        assertThat(CliContract.oneSentence(run.err())).as(run.err()).isTrue();
        assertThat(run.err()).contains("Operation '" + ended + "' is already done and cannot be cancelled.");
    }

    private static String setA(String kind) {
        return PlacementCommandTest.setA().resolve(kind + "_a1_1.txt").toString();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
