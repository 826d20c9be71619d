package dev.paddock.libvirt.ovs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The OpenFlow 1.0 messages the client sends, byte by byte (the switch itself answers them in the lab's tests). */
class OpenFlowClientTest {

    @Test
    void aHelloIsItsHeaderAlone() {
        assertThat(HexFormat.of().formatHex(OpenFlowClient.message(OpenFlowClient.HELLO, 7, 0)))
                .isEqualTo("0100000800000007");
    }

    @Test
    void theFlowChangeMatchesOnlyTheLocalExperimentalEthertypeAndDoesNothing() {
        ByteBuffer add = ByteBuffer.wrap(OpenFlowClient.flowModMessage(9, OpenFlowClient.ADD));

        assertThat(add.capacity()).as("header, match, flow_mod fields, no actions").isEqualTo(72);
        assertThat(add.get(0)).isEqualTo((byte) 1);
        assertThat(add.get(1)).as("FLOW_MOD").isEqualTo((byte) 14);
        assertThat(add.getShort(2)).isEqualTo((short) 72);
        assertThat(add.getInt(4)).isEqualTo(9);
        assertThat(add.getInt(8)).as("wildcards: all but dl_type").isEqualTo(0x3fffef);
        assertThat(add.getShort(8 + 22)).as("dl_type").isEqualTo((short) 0x88b5);
        assertThat(add.getLong(48)).as("cookie").isEqualTo(0x7061646bL);
        assertThat(add.getShort(56)).as("command").isEqualTo((short) 0);
        assertThat(add.getShort(62)).as("priority").isEqualTo((short) 1);
        assertThat(add.getInt(64)).as("no buffer").isEqualTo(-1);
        assertThat(add.getShort(68)).as("out_port none").isEqualTo((short) 0xffff);
        assertThat(ByteBuffer.wrap(OpenFlowClient.flowModMessage(10, OpenFlowClient.DELETE_STRICT)).getShort(56))
                .isEqualTo((short) 4);
    }
}
