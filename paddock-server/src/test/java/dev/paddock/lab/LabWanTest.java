package dev.paddock.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.libvirt.LabExtension;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lab's WAN ({@code lab.sh wan}, through {@link LabWan}) measured over TCP from the root namespace to a peer in
 * h3's namespace: with 100 Mbit/s and 20 ms each way, round trips take 2 x 20 ms and 50 MB move at close to the
 * rate in both directions; a cut stops all traffic and a connection opened before it carries on after the restore;
 * off gives back the LAN's sub-millisecond round trips and leaves nothing of the WAN behind.
 *
 * <p>Bounds. A round trip can never be shorter than 40 ms: labwan holds each packet 20 ms after it reads it, once
 * each way (50 ms between two hosts across WANs of 20 and 5 ms). A quiet machine measures 40.4-42 ms (51 ms); the
 * median may reach 10 ms more because labwan shares two cores with the lab and the test. TBF counts whole frames, so TCP's payload can reach at most 100 x 1448 / 1514 = 95.6 Mbit/s
 * (and never 100); slow start over a 40 ms round trip and the 50 ms queue TBF keeps cost a few percent more
 * (91.6 Mbit/s measured), so 80 Mbit/s is the floor.
 */
@Tag("lab")
class LabWanTest {

    @RegisterExtension
    static final LabExtension LAB = new LabExtension();

    @RegisterExtension
    final LabWan wan = new LabWan(LAB);

    private static final int HOST = 3;
    private static final int RATE_MBIT = 100;
    private static final int DELAY_MS = 20;
    private static final long BULK = 50_000_000;
    private static final Duration CONNECT = Duration.ofSeconds(2);

    private static WanPeer.Running peer;

    @BeforeAll
    static void startPeerInH3() {
        peer = WanPeer.Running.start(HOST, "10.77.0." + HOST);
    }

    @AfterAll
    static void stopPeer() throws InterruptedException {
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    @DisplayName("across a 100 mbit, 20 ms WAN h3 answers in 40-50 ms and moves 50 MB at 80-100 Mbit/s each way; off gives the LAN back")
    void rateAndDelay() throws IOException {
        try (WanPeer.Link lan = WanPeer.Link.open(peer.address(), CONNECT)) {
            assertThat(median(lan.roundTripsMillis(20))).as("round trip on the LAN, ms").isLessThan(5);
        }

        wan.wan(HOST, RATE_MBIT, DELAY_MS);

        try (WanPeer.Link link = WanPeer.Link.open(peer.address(), CONNECT)) {
            List<Double> roundTrips = link.roundTripsMillis(30);
            assertThat(Collections.min(roundTrips)).as("shortest round trip, ms: %s", roundTrips)
                    .isGreaterThanOrEqualTo(2.0 * DELAY_MS);
            assertThat(median(roundTrips)).as("median round trip, ms: %s", roundTrips).isLessThanOrEqualTo(50);

            double up = megabits(BULK, link.upload(BULK));
            double down = megabits(BULK, link.download(BULK));
            System.out.printf("WAN %d mbit %d ms: round trips %s ms, 50 MB up %.1f Mbit/s, down %.1f Mbit/s%n",
                    RATE_MBIT, DELAY_MS, roundTrips, up, down);
            assertThat(up).as("50 MB from the root namespace to h3, Mbit/s").isBetween(80.0, 100.0);
            assertThat(down).as("50 MB from h3 to the root namespace, Mbit/s").isBetween(80.0, 100.0);
        }
        // between hosts too, delayed once each way: the root namespace does not delay what it only bridges
        assertThat(peer.medianRoundTripMillisFrom(1, 20)).as("round trip from h1, ms").isBetween(2.0 * DELAY_MS, 50.0);
        // two hosts each across a WAN of their own: both delays, each way
        wan.wan(2, RATE_MBIT, 5);
        assertThat(peer.medianRoundTripMillisFrom(2, 20)).as("round trip from h2 across its own 5 ms WAN, ms")
                .isBetween(2.0 * (DELAY_MS + 5), 60.0);
        wan.off(2);

        wan.off(HOST);

        try (WanPeer.Link link = WanPeer.Link.open(peer.address(), CONNECT)) {
            assertThat(median(link.roundTripsMillis(20))).as("round trip after off, ms").isLessThan(5);
        }
        assertThat(leftovers()).as("what off left of the WAN").isEmpty();
    }

    @Test
    @DisplayName("a 5 s cut stops traffic to h3; after the restore a connection opened before the cut carries on")
    void cutAndRestore() throws IOException {
        wan.wan(HOST, RATE_MBIT, DELAY_MS);
        try (WanPeer.Link link = WanPeer.Link.open(peer.address(), CONNECT)) {
            assertThat(link.roundTripNanos()).isLessThan(TimeUnit.SECONDS.toNanos(1));

            wan.cut(HOST);
            long cut = System.nanoTime();

            link.sendPing();
            assertThatThrownBy(() -> link.awaitPong(Duration.ofSeconds(2))).as("an answer during the cut")
                    .isInstanceOf(SocketTimeoutException.class);
            assertThatThrownBy(() -> WanPeer.Link.open(peer.address(), CONNECT).close())
                    .as("a new connection during the cut").isInstanceOf(IOException.class);
            LabPaddock.pause(Math.max(0, 5000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut)));

            wan.restore(HOST);
            long restored = System.nanoTime();

            // TCP retransmits the ping with its backed-off timer (about 6.2 s after the send for a 40 ms path)
            link.awaitPong(Duration.ofSeconds(20));
            double answeredAfter = (System.nanoTime() - restored) / 1e9;
            System.out.printf("WAN cut 5 s: the ping sent at the cut answered %.1f s after the restore%n",
                    answeredAfter);
            assertThat(answeredAfter).as("seconds from the restore to the answer").isLessThan(15);
            assertThat(median(link.roundTripsMillis(10))).as("round trip after the restore, ms")
                    .isBetween(2.0 * DELAY_MS, 50.0);
            assertThat(megabits(5_000_000, link.upload(5_000_000))).as("5 MB after the restore, Mbit/s")
                    .isBetween(20.0, 100.0);
        }
    }

    private static double median(List<Double> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    private static double megabits(long bytes, double seconds) {
        return bytes * 8 / seconds / 1e6;
    }

    /**
     * What of a WAN is left on the machine: rate limits on h3's link ends, queue rules in the root namespace or any
     * host, running labwan processes.
     */
    private static List<String> leftovers() throws IOException {
        var found = new java.util.ArrayList<String>();
        for (List<String> command : List.of(
                List.of("tc", "-n", "h" + HOST, "qdisc", "show", "dev", "eth0"),
                List.of("tc", "qdisc", "show", "dev", "h" + HOST + "-br"),
                List.of("iptables-save", "-t", "mangle"),
                List.of("ip", "netns", "exec", "h1", "iptables-save", "-t", "mangle"),
                List.of("ip", "netns", "exec", "h2", "iptables-save", "-t", "mangle"),
                List.of("ip", "netns", "exec", "h3", "iptables-save", "-t", "mangle"))) {
            for (String line : output(command).split("\n")) {
                if (line.contains("tbf") || line.contains("NFQUEUE")) {
                    found.add(String.join(" ", command) + ": " + line);
                }
            }
        }
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    // an exited labwan may wait a moment for its reaper (pid 1) as a zombie: it runs no more
                    if (Files.readString(process.resolve("comm")).strip().equals("labwan")
                            && !Files.readString(process.resolve("status")).matches("(?s).*\\nState:\\s+Z.*")) {
                        found.add("process labwan " + process.getFileName());
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        }
        return found;
    }

    private static String output(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return output;
    }
}
