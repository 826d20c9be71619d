package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.HostBridge;
import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.hypervisor.NetworkSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NetworkXmlTest {

    @Test
    @DisplayName("a network over a host bridge is in bridge mode on that bridge, and reads back as such")
    void overHostBridge() {
        NetworkSpec spec = NetworkSpec.overBridge("prod", "labbr1");

        String xml = NetworkXml.render(spec);
        HostNetwork read = NetworkXml.read(xml, false);

        assertThat(xml).contains("<forward mode='bridge'/>").contains("<bridge name='labbr1'/>").doesNotContain("<ip");
        assertThat(read).isEqualTo(new HostNetwork("prod", "", "bridge", "labbr1", false));
        assertThat(NetworkXml.matches(spec, read)).isTrue();
    }

    @Test
    @DisplayName("a network over an Open vSwitch switch has the switch's virtual port and its VLAN's tag, and reads back")
    void overSwitchInAVlan() {
        NetworkSpec spec = NetworkSpec.overSwitch("vlan10", "sw0", java.util.OptionalInt.of(10));

        String xml = NetworkXml.render(spec);
        HostNetwork read = NetworkXml.read(xml, true);

        assertThat(xml).contains("<forward mode='bridge'/>").contains("<bridge name='sw0'/>")
                .contains("<virtualport type='openvswitch'/>").contains("<tag id='10'/>");
        assertThat(read).isEqualTo(new HostNetwork("vlan10", "", "bridge", "sw0", true, "openvswitch",
                java.util.OptionalInt.of(10)));
        assertThat(NetworkXml.matches(spec, read)).isTrue();
        assertThat(NetworkXml.matches(NetworkSpec.overSwitch("vlan10", "sw0", java.util.OptionalInt.of(20)), read))
                .as("the same switch in another VLAN is another network").isFalse();
        assertThat(NetworkXml.matches(NetworkSpec.overBridge("vlan10", "sw0"), read)).isFalse();
    }

    @Test
    @DisplayName("a trunk of several tags is no access port's VLAN")
    void trunkIsNoVlan() {
        HostNetwork read = NetworkXml.read("<network><name>t</name><forward mode='bridge'/><bridge name='sw0'/>"
                + "<virtualport type='openvswitch'/><vlan trunk='yes'><tag id='10'/><tag id='20'/></vlan></network>",
                true);

        assertThat(read.vlan()).isEmpty();
        assertThat(read.virtualPort()).isEqualTo("openvswitch");
    }

    @Test
    @DisplayName("an isolated network has its own pdk bridge, no forward and no address, the same on every host")
    void isolated() {
        NetworkSpec spec = NetworkSpec.isolated("backend");

        String xml = NetworkXml.render(spec);
        HostNetwork read = NetworkXml.read(xml, true);

        assertThat(xml).doesNotContain("<forward").doesNotContain("<ip");
        assertThat(read.forwardMode()).isEmpty();
        assertThat(read.bridge()).matches("pdk[0-9a-f]{8}").isEqualTo(NetworkSpec.isolated("backend").bridge())
                .isNotEqualTo(NetworkSpec.isolated("frontend").bridge());
        assertThat(NetworkXml.matches(spec, read)).isTrue();
    }

    @Test
    @DisplayName("libvirt's answer, with the UUID and MAC it added, reads as the network it defined")
    void libvirtsAnswer() {
        String answer = """
                <network>
                  <name>backend</name>
                  <uuid>0c1d6a40-1f4e-4a8d-9d2c-3b7e52a1c0aa</uuid>
                  <bridge name='pdk2f1c0d9e' stp='on' delay='0'/>
                  <mac address='52:54:00:12:34:56'/>
                </network>
                """;

        HostNetwork read = NetworkXml.read(answer, true);

        assertThat(read).isEqualTo(new HostNetwork("backend", "0c1d6a40-1f4e-4a8d-9d2c-3b7e52a1c0aa", "",
                "pdk2f1c0d9e", true));
    }

    @Test
    @DisplayName("libvirt's default network (a forward without a mode) reads as NAT, which no spec of Paddock's matches")
    void defaultNetworkIsNat() {
        String answer = """
                <network>
                  <name>default</name>
                  <forward/>
                  <bridge name='virbr0'/>
                  <ip address='192.168.122.1' netmask='255.255.255.0'/>
                </network>
                """;

        HostNetwork read = NetworkXml.read(answer, false);

        assertThat(read.forwardMode()).isEqualTo("nat");
        assertThat(NetworkXml.matches(NetworkSpec.overBridge("default", "virbr0"), read)).isFalse();
        assertThat(NetworkXml.matches(NetworkSpec.isolated("default"), read)).isFalse();
    }

    @Test
    @DisplayName("names are escaped, and a name or bridge libvirt or Linux would refuse is refused first")
    void names() {
        assertThatThrownBy(() -> NetworkSpec.isolated("two words")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkSpec.overBridge("prod", "a-bridge-name-too-long"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("15");
        assertThatThrownBy(() -> NetworkXml.read("<pool/>", false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a bridge interface reads with its ports; an ethernet device is no bridge")
    void bridges() {
        String bridge = """
                <interface type='bridge' name='labbr1'>
                  <mac address='6e:1b:22:33:44:55'/>
                  <bridge stp='off' delay='0.00'>
                    <interface type='ethernet' name='eth1'><mac address='6e:1b:22:33:44:66'/></interface>
                    <interface type='ethernet' name='vnet0'/>
                  </bridge>
                </interface>
                """;
        String ethernet = "<interface type='ethernet' name='eth0'><mac address='6e:1b:22:33:44:77'/></interface>";

        assertThat(NetworkXml.readBridge(bridge, true)).contains(new HostBridge("labbr1", "6e:1b:22:33:44:55", true,
                List.of("eth1", "vnet0")));
        assertThat(NetworkXml.readBridge(ethernet, true)).isEqualTo(Optional.empty());
    }
}
