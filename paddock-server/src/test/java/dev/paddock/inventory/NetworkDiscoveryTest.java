package dev.paddock.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.model.Network;
import dev.paddock.model.Network.Carrier;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NetworkDiscoveryTest {

    private static final HostNetwork BACKEND = new HostNetwork("backend", "u1", "", "pdk1", true);

    @Test
    @DisplayName("one name on hosts of two sites is two networks, one per site")
    void onePerSite() {
        var changes = NetworkDiscovery.reconcile(Map.of("h1", List.of(BACKEND), "h2", List.of(BACKEND),
                "x1", List.of(BACKEND)), Map.of("h1", "paris", "h2", "paris", "x1", "lyon"), List.of());

        assertThat(changes.put()).extracting(Network::siteId, Network::hostIds).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("paris", Set.of("h1", "h2")),
                org.assertj.core.groups.Tuple.tuple("lyon", Set.of("x1")));
        assertThat(changes.put()).extracting(Network::id)
                .contains(Network.idFor("paris", "backend"), Network.idFor("lyon", "backend"));
    }

    @Test
    @DisplayName("a host that did not answer keeps carrying; one that answered without it stops")
    void silentHostKeepsItsCarrier() {
        Network known = new Network("n1", "paris", "backend", OptionalInt.empty(), false, Set.of(),
                Map.of("h1", new Carrier("backend", "pdk1"), "h2", new Carrier("backend", "pdk1"),
                        "h3", new Carrier("backend", "pdk1")));

        var changes = NetworkDiscovery.reconcile(Map.of("h1", List.of(BACKEND), "h2", List.of()),
                Map.of("h1", "paris", "h2", "paris"), List.of(known));

        assertThat(changes.put()).singleElement().extracting(Network::hostIds).isEqualTo(Set.of("h1", "h3"));
        assertThat(changes.removed()).isEmpty();
    }

    @Test
    @DisplayName("nothing changed writes nothing")
    void steadyState() {
        Network known = new Network("n1", "paris", "backend", OptionalInt.empty(), false, Set.of(),
                Map.of("h1", new Carrier("backend", "pdk1")));

        assertThat(NetworkDiscovery.reconcile(Map.of("h1", List.of(BACKEND)), Map.of("h1", "paris"), List.of(known))
                .isEmpty()).isTrue();
    }

    @Test
    @DisplayName("a network declared by hand is left alone until a host reports its name, then carried by that host")
    void declaredByHand() {
        Network declared = new Network("n1", "paris", "backend", OptionalInt.of(10), false, Set.of());

        assertThat(NetworkDiscovery.reconcile(Map.of("h1", List.of()), Map.of("h1", "paris"), List.of(declared))
                .isEmpty()).isTrue();
        var changes = NetworkDiscovery.reconcile(Map.of("h1", List.of(BACKEND)), Map.of("h1", "paris"),
                List.of(declared));
        assertThat(changes.put()).singleElement().satisfies(network -> {
            assertThat(network.id()).isEqualTo("n1");
            assertThat(network.vlan()).isEqualTo(OptionalInt.of(10));
            assertThat(network.hostIds()).containsExactly("h1");
        });
    }

    @Test
    @DisplayName("a network whose last carrier dropped it is removed")
    void lastCarrierGone() {
        Network known = new Network("n1", "paris", "backend", OptionalInt.empty(), false, Set.of(),
                Map.of("h1", new Carrier("backend", "pdk1")));

        var changes = NetworkDiscovery.reconcile(Map.of("h1", List.of()), Map.of("h1", "paris"), List.of(known));

        assertThat(changes.removed()).containsExactly(known);
        assertThat(changes.put()).isEmpty();
    }

    @Test
    @DisplayName("a network stopped on a host stays carried by it, marked stopped; started again, it is plain carried")
    void stoppedStaysCarried() {
        Network known = new Network("n1", "paris", "backend", OptionalInt.empty(), false, Set.of(),
                Map.of("h1", new Carrier("backend", "pdk1")));
        HostNetwork stopped = new HostNetwork("backend", "u1", "", "pdk1", false);

        var changes = NetworkDiscovery.reconcile(Map.of("h1", List.of(stopped)), Map.of("h1", "paris"),
                List.of(known));

        assertThat(changes.removed()).isEmpty();
        assertThat(changes.put()).singleElement().extracting(Network::carriers)
                .isEqualTo(Map.of("h1", new Carrier("backend", "pdk1", true)));
        assertThat(NetworkDiscovery.reconcile(Map.of("h1", List.of(BACKEND)), Map.of("h1", "paris"),
                changes.put()).put()).singleElement().extracting(Network::carriers).isEqualTo(known.carriers());
    }

    @Test
    @DisplayName("a carrier stored before stopped networks were told apart reads as started")
    void storedCarrierWithoutStoppedIsStarted() throws Exception {
        Map<String, Carrier> read = dev.paddock.json.Json.mapper().readValue(
                "{\"h1\":{\"libvirtName\":\"backend\",\"bridge\":\"pdk1\"}}",
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Carrier>>() {});

        assertThat(read).isEqualTo(Map.of("h1", new Carrier("backend", "pdk1")));
        assertThat(read.get("h1").stopped()).isFalse();
    }
}
