package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InterfaceLinksTest {

    private static final String DOMAIN = """
            <domain type='qemu'>
              <name>rogue</name>
              <devices>
                <disk type='file' device='disk'><target dev='vda' bus='virtio'/></disk>
                <interface type='bridge'>
                  <mac address='52:54:00:00:00:01'/><source bridge='vmbr0'/><model type='virtio'/>
                </interface>
                <interface type='network'>
                  <mac address='52:54:00:00:00:02'/><source network='default'/><link state='down'/>
                </interface>
              </devices>
            </domain>
            """;

    @Test
    @DisplayName("a NIC without a link element is up; one with state='down' is down")
    void readsLinkStates() {
        assertThat(InterfaceLinks.linkStates(DOMAIN))
                .containsExactly(Map.entry("52:54:00:00:00:01", true), Map.entry("52:54:00:00:00:02", false));
    }

    @Test
    @DisplayName("isolating yields one interface element per NIC, same MAC and source, link down")
    void isolates() {
        var devices = InterfaceLinks.withLinkState(DOMAIN, false);

        assertThat(devices).hasSize(2);
        assertThat(devices).allSatisfy(device -> assertThat(InterfaceLinks.linkStates(wrap(device))).containsValue(false));
        assertThat(devices.get(0)).contains("52:54:00:00:00:01").contains("vmbr0").startsWith("<interface");
        assertThat(devices.get(1)).contains("52:54:00:00:00:02").contains("default");
    }

    @Test
    @DisplayName("reconnecting sets an existing link element back up rather than adding a second one")
    void reconnects() {
        var devices = InterfaceLinks.withLinkState(DOMAIN, true);

        assertThat(devices.get(1).split("<link", -1)).hasSize(2);
        assertThat(InterfaceLinks.linkStates(wrap(devices.get(1)))).containsExactly(Map.entry("52:54:00:00:00:02", true));
    }

    @Test
    @DisplayName("a domain without NICs has nothing to isolate")
    void noNics() {
        assertThat(InterfaceLinks.withLinkState("<domain><devices/></domain>", false)).isEmpty();
    }

    private static String wrap(String device) {
        return "<domain><devices>" + device + "</devices></domain>";
    }
}
