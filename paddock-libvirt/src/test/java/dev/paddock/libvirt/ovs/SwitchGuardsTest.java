package dev.paddock.libvirt.ovs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.PortGuard;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Port guards as flows, and those flows as OpenFlow 1.0 bytes. */
class SwitchGuardsTest {

    private static final String A = "52:54:00:00:00:0a";
    private static final String B = "52:54:00:00:00:0b";

    @Test
    void aPortWithAKnownAddressSendsOnlyFromItsMacAndThatAddress() {
        List<Flow> flows = SwitchGuards.flows(List.of(new PortGuard(A, List.of("10.0.0.5"), false, Set.of())),
                Map.of(A, 7));

        assertThat(flows).extracting(Flow::toString).containsExactly(
                "priority=200,in_port=7,dl_type=0x0800,dl_src=" + A + ",nw_src=10.0.0.5 actions=NORMAL",
                "priority=200,in_port=7,dl_type=0x0806,dl_src=" + A + ",nw_src=10.0.0.5 actions=NORMAL",
                "priority=190,in_port=7,dl_type=0x0800,dl_src=" + A + " actions=drop",
                "priority=190,in_port=7,dl_type=0x0806,dl_src=" + A + " actions=drop",
                "priority=180,in_port=7,dl_src=" + A + " actions=NORMAL",
                "priority=170,in_port=7 actions=drop");
    }

    @Test
    void withoutAddressesOnlyTheMacIsChecked() {
        List<Flow> flows = SwitchGuards.flows(List.of(new PortGuard(A, List.of(), false, Set.of())), Map.of(A, 3));

        assertThat(flows).extracting(Flow::toString).containsExactly(
                "priority=180,in_port=3,dl_src=" + A + " actions=NORMAL", "priority=170,in_port=3 actions=drop");
    }

    @Test
    void anIsolatedPortHearsNothingFromItsPeersAndATrustedOneIsNotGuarded() {
        List<Flow> flows = SwitchGuards.flows(List.of(new PortGuard(A, List.of(), true, Set.of(A, B))),
                Map.of(A, 3));

        assertThat(flows).extracting(Flow::toString).containsExactly(
                "priority=300,dl_src=" + B + ",dl_dst=" + A + " actions=drop");
    }

    @Test
    void aGuardWhoseNicHasNoPortOnTheSwitchGivesNoFlow() {
        assertThat(SwitchGuards.flows(List.of(new PortGuard(A, List.of(), false, Set.of(B))), Map.of(B, 4))).isEmpty();
    }

    @Test
    void theMatchWildcardsAllButItsFields() {
        ByteBuffer match = ByteBuffer.wrap(FlowMatch.any().inPort(7).from(A).ethType(0x0800).ipFrom("10.0.0.5")
                .encode());

        assertThat(match.capacity()).isEqualTo(40);
        // in_port (bit 0), dl_src (2), dl_type (4) and the 6 bits of nw_src's wildcard count cleared
        assertThat(match.getInt(0)).isEqualTo(0x3fffff & ~1 & ~4 & ~16 & ~(0x3f << 8));
        assertThat(match.getShort(4)).isEqualTo((short) 7);
        assertThat(match.get(6 + 5)).isEqualTo((byte) 0x0a);
        assertThat(match.getShort(22)).isEqualTo((short) 0x0800);
        assertThat(match.getInt(28)).isEqualTo((10 << 24) | 5);
    }

    @Test
    void aForwardingFlowChangeEndsWithTheNormalOutputAndADropHasNoAction() {
        Flow forward = Flow.forward(180, FlowMatch.any().inPort(3).from(A));
        ByteBuffer add = ByteBuffer.wrap(OpenFlowClient.flowModMessage(5, OpenFlowClient.ADD, forward.priority(),
                forward.match().encode(), forward.cookie(), true));

        assertThat(add.capacity()).isEqualTo(80);
        assertThat(add.getShort(2)).isEqualTo((short) 80);
        assertThat(add.getLong(48)).isEqualTo(forward.cookie());
        assertThat(add.getShort(62)).isEqualTo((short) 180);
        assertThat(add.getShort(72)).as("OFPAT_OUTPUT").isEqualTo((short) 0);
        assertThat(add.getShort(74)).isEqualTo((short) 8);
        assertThat(add.getShort(76)).as("OFPP_NORMAL").isEqualTo((short) 0xfffa);
        assertThat(OpenFlowClient.flowModMessage(6, OpenFlowClient.ADD, 170, forward.match().encode(), 1L, false))
                .hasSize(72);
    }

    @Test
    void cookiesAreMarkedAsPaddocksAndTellFlowsApart() {
        Flow one = Flow.drop(170, FlowMatch.any().inPort(3));
        Flow other = Flow.drop(170, FlowMatch.any().inPort(4));

        assertThat(Flow.isPaddocks(one.cookie())).isTrue();
        assertThat(Flow.isPaddocks(OpenFlowClient.COOKIE)).as("the revalidation flow's").isFalse();
        assertThat(one.cookie()).isEqualTo(Flow.drop(170, FlowMatch.any().inPort(3)).cookie())
                .isNotEqualTo(other.cookie()).isNotEqualTo(Flow.forward(170, FlowMatch.any().inPort(3)).cookie());
    }
}
