package dev.paddock.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NetworkDriftTest {

    private static Network.Carrier inVlan(int vlan) {
        return new Network.Carrier("n", "sw0", false, true, OptionalInt.of(vlan));
    }

    private static Network network(OptionalInt vlan, Map<String, Network.Carrier> carriers) {
        return new Network("id", "site", "n", vlan, false, Set.of(), carriers);
    }

    @Test
    void theLayoutMostHostsHaveIsAgreedAndTheOthersDrift() {
        Network network = network(OptionalInt.empty(), Map.of("h1", inVlan(10), "h2", inVlan(10), "h3", inVlan(20)));

        assertThat(network.agreedLayout()).contains(new Network.Layout("sw0", true, OptionalInt.of(10)));
        assertThat(network.drift()).containsExactly(Map.entry("h3", new Network.Layout("sw0", true,
                OptionalInt.of(20))));
    }

    @Test
    void onATieTheRecordedVlanIsAgreed() {
        assertThat(network(OptionalInt.of(20), Map.of("h1", inVlan(10), "h2", inVlan(20))).drift())
                .containsOnlyKeys("h1");
        assertThat(network(OptionalInt.of(10), Map.of("h1", inVlan(10), "h2", inVlan(20))).drift())
                .containsOnlyKeys("h2");
    }

    @Test
    void hostsThatAgreeOrHaveNotSaidTheirBridgeDoNotDrift() {
        assertThat(network(OptionalInt.of(10), Map.of("h1", inVlan(10), "h2", inVlan(10))).drift()).isEmpty();
        assertThat(network(OptionalInt.empty(), Map.of("h1", new Network.Carrier("n", "br0"),
                "h2", new Network.Carrier("n", ""))).drift()).isEmpty();
        assertThat(network(OptionalInt.empty(), Map.of()).agreedLayout()).isEmpty();
    }

    @Test
    void aBridgeAgainstASwitchIsADrift() {
        Network network = network(OptionalInt.empty(), Map.of("h1", new Network.Carrier("n", "sw0", false, true,
                OptionalInt.empty()), "h2", new Network.Carrier("n", "sw0", false, true, OptionalInt.empty()),
                "h3", new Network.Carrier("n", "sw0")));

        assertThat(network.drift()).containsOnlyKeys("h3");
        assertThat(network.drift().get("h3").describe()).isEqualTo("on bridge sw0");
    }
}
