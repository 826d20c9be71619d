package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A VM's consoles through REST on a real libvirt host. Serial: the WebSocket carries the guest's heartbeat lines
 * while the console log file keeps growing; a second client is refused with a sentence unless it forces, which
 * takes the console over and closes the first with a reason. VNC: through the WebSocket proxy, an RFB 3.8 handshake
 * with VNC authentication (DES of the challenge with the password) ends in a ServerInit with the framebuffer size;
 * a wrong password fails the security result; after a rotation the old password fails and the new one works.
 * The command line's {@code vm console}, piped, drives the console; a live migration moves the display to the
 * destination's address; a VM that stops closes its console with a reason.
 */
@Tag("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabConsoleTest {

    @RegisterExtension
    static final LabServer LAB = new LabServer(Duration.ofSeconds(10));

    private static final Duration OPERATION = Duration.ofMinutes(2);
    private static final Duration HEARD = Duration.ofSeconds(30);
    private static String vmId;

    @BeforeAll
    static void createVm() {
        String host = LAB.registered().host(1);
        JsonNode created = awaitDone(LAB.paddock().post("/api/v1/vms", "{\"name\":\"console-1\",\"vcpus\":1,"
                + "\"memoryMib\":128,\"hostId\":\"" + host + "\"}"));
        vmId = created.get("target").asText();
    }

    @AfterAll
    static void deleteVm() {
        if (vmId != null) {
            awaitDone(LAB.paddock().delete("/api/v1/vms/" + vmId + "?force=true"));
        }
    }

    @Test
    @Order(1)
    @DisplayName("the serial WebSocket carries the guest's heartbeat while the console log file grows; a second client"
            + " is refused without force and takes the console over with it")
    void serial() throws Exception {
        Path log = LAB.lab().shared().resolve(vmId + ".console.log");
        Client first = Client.open(url("/console/serial"));
        first.awaitText("heartbeat", HEARD);
        long logged = Files.size(log);
        Awaitility.await("the console log grows").atMost(HEARD).pollInterval(Duration.ofMillis(300))
                .until(() -> Files.size(log) > logged);
        first.awaitText("heartbeat", HEARD);

        first.send("paddock-typed\n".getBytes(StandardCharsets.US_ASCII));
        first.awaitText("paddock-typed", HEARD);

        assertThat(refusal(url("/console/serial"))).isEqualTo("409 Another client holds the serial console of VM"
                + " 'console-1'; connect with force=true to take it over.");

        Client second = Client.open(url("/console/serial?force=true"));
        assertThat(first.closed.get(20, TimeUnit.SECONDS)).isEqualTo("4409 Another client took the console over.");
        second.forget();
        second.awaitText("heartbeat", HEARD);
        second.close();
    }

    @Test
    @Order(2)
    @DisplayName("VNC through the WebSocket proxy: the password passes VNC authentication and ServerInit gives the"
            + " framebuffer size; a wrong one fails; after a rotation the old one fails and the new one works")
    void vnc() throws Exception {
        JsonNode display = LAB.paddock().get("/api/v1/vms/" + vmId + "/console/vnc").json();
        assertThat(display.get("host").asText()).isEqualTo("10.77.0.1");
        assertThat(display.get("port").asInt()).isGreaterThanOrEqualTo(5900);
        assertThat(display.get("websocket").asText()).isEqualTo("/api/v1/vms/" + vmId + "/console/vnc/ws");
        String password = display.get("password").asText();
        assertThat(password).hasSize(8);

        int[] size = rfb(password);
        assertThat(size[0]).isPositive();
        assertThat(size[1]).isPositive();
        assertThat(rfb(password.equals("wrong-pw") ? "other-pw" : "wrong-pw")).isEmpty();

        LabPaddock.Reply rotated = LAB.paddock().post("/api/v1/vms/" + vmId + "/console/vnc/password", "");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String renewed = rotated.json().get("password").asText();
        assertThat(renewed).isNotEqualTo(password).hasSize(8);
        assertThat(LAB.paddock().get("/api/v1/vms/" + vmId + "/console/vnc").json().get("password").asText())
                .isEqualTo(renewed);
        assertThat(rfb(password)).isEmpty();
        assertThat(rfb(renewed)).hasSize(2);
        String audit = LAB.paddock().get("/api/v1/audit?limit=500").body();
        assertThat(audit).contains("vm.vnc-password.rotate").doesNotContain(renewed).doesNotContain(password);
    }

    @Test
    @Order(3)
    @DisplayName("paddock vm console, piped, takes the console over with --force, sends stdin to the guest and prints"
            + " what the guest answers")
    void cliPiped() throws Exception {
        Client holder = Client.open(url("/console/serial"));
        holder.awaitText("heartbeat", HEARD);
        java.io.InputStream stdin = System.in;
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int status;
        try {
            System.setIn(new java.io.ByteArrayInputStream("paddock-piped\n".getBytes(StandardCharsets.US_ASCII)));
            System.setOut(new java.io.PrintStream(printed, true, StandardCharsets.ISO_8859_1));
            status = dev.paddock.cli.Cli.run(new String[] {"vm", "console", "console-1", "--force", "--server",
                    LAB.server().url().toString()}, new java.io.PrintWriter(out), new java.io.PrintWriter(err),
                    java.util.Map.of("PADDOCK_TOKEN", LabPaddock.TOKEN));
        } finally {
            System.setIn(stdin);
            System.setOut(stdout);
        }
        assertThat(status).as(err.toString()).isZero();
        assertThat(printed.toString(StandardCharsets.ISO_8859_1)).contains("paddock-piped");
        assertThat(holder.closed.get(20, TimeUnit.SECONDS)).isEqualTo("4409 Another client took the console over.");
    }

    @Test
    @Order(4)
    @DisplayName("a live migration moves the VNC display to the destination's address with the same password, and"
            + " the serial console opens there")
    void migration() throws Exception {
        String password = LAB.paddock().get("/api/v1/vms/" + vmId + "/console/vnc").json().get("password").asText();
        awaitDone(LAB.paddock().post("/api/v1/vms/" + vmId + "/migrate", "{\"hostId\":\""
                + LAB.registered().host(2) + "\"}"));

        LabPaddock.Reply answer = LAB.paddock().get("/api/v1/vms/" + vmId + "/console/vnc");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode display = answer.json();
        assertThat(display.get("host").asText()).isEqualTo("10.77.0.2");
        assertThat(display.get("password").asText()).isEqualTo(password);
        assertThat(rfb(password)).hasSize(2);
        Client client = Client.open(url("/console/serial"));
        client.awaitText("heartbeat", HEARD);
        client.close();
    }

    @Test
    @Order(5)
    @DisplayName("the serial WebSocket is closed with a reason when the VM stops")
    void closedWhenTheVmStops() throws Exception {
        Client client = Client.open(url("/console/serial"));
        client.awaitText("heartbeat", HEARD);
        awaitDone(LAB.paddock().post("/api/v1/vms/" + vmId + "/stop?force=true", ""));
        assertThat(client.closed.get(30, TimeUnit.SECONDS)).isEqualTo("1000 The VM stopped.");
        assertThat(refusal(url("/console/serial"))).isEqualTo("409 VM 'console-1' is not running; its consoles open"
                + " only while it runs.");
    }

    /**
     * An RFB 3.8 handshake through the proxy with VNC authentication: the framebuffer's width and height from
     * ServerInit, or nothing when the security result fails.
     */
    private static int[] rfb(String password) throws Exception {
        Client vnc = Client.open(url("/console/vnc/ws"));
        try {
            assertThat(new String(vnc.read(12), StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");
            vnc.send("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            byte[] types = vnc.read(vnc.read(1)[0]);
            assertThat(types).contains((byte) 2);
            vnc.send(new byte[] {2});
            vnc.send(des(password, vnc.read(16)));
            if (ByteBuffer.wrap(vnc.read(4)).getInt() != 0) {
                return new int[0];
            }
            vnc.send(new byte[] {1});
            ByteBuffer init = ByteBuffer.wrap(vnc.read(4));
            return new int[] {init.getShort() & 0xffff, init.getShort() & 0xffff};
        } finally {
            vnc.close();
        }
    }

    /** VNC authentication's answer: the challenge encrypted with DES, keyed by the password's bytes bit-reversed. */
    private static byte[] des(String password, byte[] challenge) throws Exception {
        byte[] key = new byte[8];
        byte[] chars = password.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < Math.min(8, chars.length); i++) {
            key[i] = (byte) (Integer.reverse(chars[i] & 0xff) >>> 24);
        }
        Cipher cipher = Cipher.getInstance("DES/ECB/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
        return cipher.doFinal(challenge);
    }

    private static URI url(String tail) {
        return URI.create(LAB.server().url().toString().replaceFirst("^http", "ws") + "/api/v1/vms/" + vmId + tail);
    }

    /** Opens a WebSocket the server must refuse: its status and problem detail. */
    private static String refusal(URI uri) {
        try {
            HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + LabPaddock.TOKEN)
                    .buildAsync(uri, new WebSocket.Listener() {}).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                JsonNode problem = new LabPaddock.Reply(refused.getResponse().statusCode(),
                        String.valueOf(refused.getResponse().body())).json();
                return refused.getResponse().statusCode() + " " + problem.path("detail").asText();
            }
            throw e;
        }
        throw new AssertionError("the server upgraded " + uri);
    }

    /** A WebSocket client gathering the binary frames it receives, and the status and reason it was closed with. */
    private static final class Client implements WebSocket.Listener {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private int taken;
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private WebSocket socket;

        static Client open(URI uri) {
            Client client = new Client();
            client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + LabPaddock.TOKEN).buildAsync(uri, client).join();
            return client;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            synchronized (received) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                received.writeBytes(bytes);
                received.notifyAll();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            synchronized (received) {
                received.notifyAll();
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete("error " + error);
        }

        void send(byte[] bytes) {
            socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
        }

        /** Waits for {@code text} in what arrived after the last wait, and consumes up to it. */
        void awaitText(String text, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            synchronized (received) {
                while (true) {
                    String seen = received.toString(StandardCharsets.ISO_8859_1);
                    int at = seen.indexOf(text, taken);
                    if (at >= 0) {
                        taken = at + text.length();
                        return;
                    }
                    long left = deadline - System.nanoTime();
                    assertThat(left).as("'" + text + "' within " + within + "; got: " + seen.substring(taken)
                            + "; closed: " + closed.getNow("no")).isPositive();
                    received.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }

        /** Forgets what arrived so far. */
        void forget() {
            synchronized (received) {
                taken = received.size();
            }
        }

        /** The next {@code count} bytes, within 20 s. */
        byte[] read(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            synchronized (received) {
                while (received.size() - taken < count) {
                    long left = deadline - System.nanoTime();
                    assertThat(left).as(count + " bytes; closed: " + closed.getNow("no")).isPositive();
                    received.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
                byte[] all = received.toByteArray();
                byte[] next = java.util.Arrays.copyOfRange(all, taken, taken + count);
                taken += count;
                return next;
            }
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
        }
    }

    private static JsonNode awaitDone(LabPaddock.Reply accepted) {
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String id = accepted.json().get("id").asText();
        JsonNode[] last = new JsonNode[1];
        Awaitility.await("operation " + id).atMost(OPERATION).pollInterval(Duration.ofMillis(250)).until(() -> {
            last[0] = LAB.paddock().get("/api/v1/operations/" + id).json();
            return last[0].get("isFinal").asBoolean();
        });
        assertThat(last[0].get("state").asText()).as(last[0].toPrettyString()).isEqualTo("DONE");
        return last[0];
    }
}
