package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.DomainSpec.DirectBoot;
import dev.paddock.hypervisor.DomainSpec.DiskSpec;
import dev.paddock.hypervisor.DomainSpec.NicSpec;
import dev.paddock.model.Maxima;
import dev.paddock.model.Watchdog;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

class DomainXmlTest {

    private static final String UUID = "6f1c2a3e-0000-4000-8000-000000000001";
    private static final DomainSpec GUEST = DomainSpec.of(UUID, "web-1", 2, 256)
            .withDisks(List.of(new DiskSpec("vda", "/lab/shared/images/web-1.qcow2", "qcow2", 1),
                    new DiskSpec("vdb", "/lab/shared/images/web-1-data.raw", "raw", 2)))
            .withNics(List.of(new NicSpec("52:54:00:aa:bb:01", "vmbr0", Optional.empty())))
            .withDirectBoot(new DirectBoot("/lab/shared/vmlinuz", "/lab/shared/initrd.img", "console=ttyS0 quiet"));
    private static final DomainXml.Options TCG_WITH_CONSOLE =
            new DomainXml.Options(DomainType.TCG, Optional.of("/lab/shared/" + UUID + ".console.log"));

    @Test
    @DisplayName("the domain is a q35 machine with the spec's name, UUID, memory and vCPUs")
    void identityAndSize() {
        Document xml = parse(DomainXml.render(GUEST, TCG_WITH_CONSOLE));

        assertThat(at(xml, "/domain/name")).isEqualTo("web-1");
        assertThat(at(xml, "/domain/uuid")).isEqualTo(UUID);
        assertThat(at(xml, "/domain/memory")).isEqualTo("256");
        assertThat(at(xml, "/domain/memory/@unit")).isEqualTo("MiB");
        assertThat(at(xml, "/domain/vcpu")).isEqualTo("2");
        assertThat(at(xml, "/domain/os/type/@machine")).isEqualTo("q35");
        assertThat(at(xml, "/domain/os/type/@arch")).isEqualTo("x86_64");
    }

    @ParameterizedTest(name = "{0} renders <domain type=''{1}''>")
    @CsvSource({"TCG, qemu", "KVM, kvm"})
    void domainType(DomainType type, String expected) {
        Document xml = parse(DomainXml.render(GUEST, new DomainXml.Options(type, Optional.empty())));

        assertThat(at(xml, "/domain/@type")).isEqualTo(expected);
    }

    @Test
    @DisplayName("a spec with direct boot gets kernel, initrd and command line instead of a boot device")
    void directBoot() {
        Document xml = parse(DomainXml.render(GUEST, TCG_WITH_CONSOLE));

        assertThat(at(xml, "/domain/os/kernel")).isEqualTo("/lab/shared/vmlinuz");
        assertThat(at(xml, "/domain/os/initrd")).isEqualTo("/lab/shared/initrd.img");
        assertThat(at(xml, "/domain/os/cmdline")).isEqualTo("console=ttyS0 quiet");
        assertThat(at(xml, "count(/domain/os/boot)")).isEqualTo("0");
    }

    @Test
    @DisplayName("a spec without direct boot boots from its first disk")
    void diskBoot() {
        DomainSpec fromDisk = DomainSpec.of(UUID, "web-1", 1, 128).withDisks(GUEST.disks());

        Document xml = parse(DomainXml.render(fromDisk, TCG_WITH_CONSOLE));

        assertThat(at(xml, "/domain/os/boot/@dev")).isEqualTo("hd");
        assertThat(at(xml, "count(/domain/os/kernel)")).isEqualTo("0");
    }

    @Test
    @DisplayName("disks are virtio files with the spec's format, in the spec's order")
    void disks() {
        Document xml = parse(DomainXml.render(GUEST, TCG_WITH_CONSOLE));

        assertThat(at(xml, "count(/domain/devices/disk)")).isEqualTo("2");
        assertThat(at(xml, "/domain/devices/disk[1]/source/@file")).isEqualTo("/lab/shared/images/web-1.qcow2");
        assertThat(at(xml, "/domain/devices/disk[1]/driver/@type")).isEqualTo("qcow2");
        assertThat(at(xml, "/domain/devices/disk[1]/target/@bus")).isEqualTo("virtio");
        assertThat(at(xml, "/domain/devices/disk[2]/target/@dev")).isEqualTo("vdb");
        assertThat(at(xml, "/domain/devices/disk[2]/driver/@type")).isEqualTo("raw");
    }

    @Test
    @DisplayName("NICs are virtio ports on the named bridge with the spec's MAC; a VLAN becomes a tag")
    void nics() {
        DomainSpec tagged = DomainSpec.of(UUID, "web-1", 1, 128)
                .withNics(List.of(GUEST.nics().getFirst(), new NicSpec("52:54:00:aa:bb:02", "ovsbr0", Optional.of(100))));

        Document xml = parse(DomainXml.render(tagged, TCG_WITH_CONSOLE));

        assertThat(at(xml, "/domain/devices/interface[1]/@type")).isEqualTo("bridge");
        assertThat(at(xml, "/domain/devices/interface[1]/source/@bridge")).isEqualTo("vmbr0");
        assertThat(at(xml, "/domain/devices/interface[1]/mac/@address")).isEqualTo("52:54:00:aa:bb:01");
        assertThat(at(xml, "/domain/devices/interface[1]/model/@type")).isEqualTo("virtio");
        assertThat(at(xml, "count(/domain/devices/interface[1]/vlan)")).isEqualTo("0");
        assertThat(at(xml, "/domain/devices/interface[2]/vlan/tag/@id")).isEqualTo("100");
    }

    @Test
    @DisplayName("a NIC on a libvirt network is an interface of type network naming it, with the spec's MAC")
    void nicOnNetwork() {
        DomainSpec spec = DomainSpec.of(UUID, "web-1", 1, 128)
                .withNics(List.of(NicSpec.onNetwork("52:54:00:aa:bb:03", "backend")));

        Document xml = parse(DomainXml.render(spec, TCG_WITH_CONSOLE));

        assertThat(at(xml, "/domain/devices/interface[1]/@type")).isEqualTo("network");
        assertThat(at(xml, "/domain/devices/interface[1]/source/@network")).isEqualTo("backend");
        assertThat(at(xml, "count(/domain/devices/interface[1]/source/@bridge)")).isEqualTo("0");
        assertThat(at(xml, "/domain/devices/interface[1]/mac/@address")).isEqualTo("52:54:00:aa:bb:03");
        assertThat(at(xml, "/domain/devices/interface[1]/model/@type")).isEqualTo("virtio");
        assertThat(DomainXml.read(DomainXml.render(spec, TCG_WITH_CONSOLE))).isEqualTo(spec);
    }

    @Test
    @DisplayName("a NIC's traffic limits are its bandwidth: inbound capped at its average, outbound averaged; read back")
    void nicBandwidth() {
        DomainSpec spec = DomainSpec.of(UUID, "web-1", 1, 128).withNics(List.of(
                NicSpec.onNetwork("52:54:00:aa:bb:04", "vlan10").withBandwidth(new DomainSpec.Bandwidth(1000, 500)),
                NicSpec.onNetwork("52:54:00:aa:bb:05", "vlan10")
                        .withBandwidth(new DomainSpec.Bandwidth(0, 250))));

        String rendered = DomainXml.render(spec, TCG_WITH_CONSOLE);
        Document xml = parse(rendered);

        assertThat(at(xml, "/domain/devices/interface[1]/bandwidth/inbound/@average")).isEqualTo("1000");
        assertThat(at(xml, "/domain/devices/interface[1]/bandwidth/inbound/@peak")).isEqualTo("1000");
        assertThat(at(xml, "/domain/devices/interface[1]/bandwidth/outbound/@average")).isEqualTo("500");
        assertThat(at(xml, "count(/domain/devices/interface[2]/bandwidth/inbound)")).isEqualTo("0");
        assertThat(at(xml, "count(/domain/devices/interface[3])")).isEqualTo("0");
        assertThat(DomainXml.read(rendered)).isEqualTo(spec);
        assertThat(DomainSpec.Bandwidth.ofKbps(java.util.OptionalLong.of(8000), java.util.OptionalLong.of(12)))
                .as("kilobits to whole kilobytes, rounded up").isEqualTo(new DomainSpec.Bandwidth(1000, 2));
    }

    @Test
    @DisplayName("a running domain's network NIC, which libvirt gives with its bridge and port, reads as the network")
    void liveNetworkNic() {
        String live = """
                <domain type='qemu'>
                  <name>web-1</name><uuid>%s</uuid><memory unit='KiB'>131072</memory><vcpu>1</vcpu>
                  <devices>
                    <interface type='network'>
                      <mac address='52:54:00:aa:bb:03'/>
                      <source network='backend' portid='8a1f5c07-1b7e-4f43-8e0b-2a5a3ad3e0d1' bridge='pdk2f1c0d9e'/>
                      <target dev='vnet0'/>
                      <model type='virtio'/>
                      <alias name='net0'/>
                    </interface>
                  </devices>
                </domain>
                """.formatted(UUID);

        assertThat(DomainXml.read(live).nics()).containsExactly(NicSpec.onNetwork("52:54:00:aa:bb:03", "backend"));
    }

    @Test
    @DisplayName("the serial console is a pty that libvirt can open, its output appended to the given log file")
    void console() {
        Document withLog = parse(DomainXml.render(GUEST, TCG_WITH_CONSOLE));
        Document without = parse(DomainXml.render(GUEST, new DomainXml.Options(DomainType.TCG, Optional.empty())));

        assertThat(at(withLog, "/domain/devices/serial/@type")).isEqualTo("pty");
        assertThat(at(withLog, "/domain/devices/serial/log/@file")).isEqualTo("/lab/shared/" + UUID + ".console.log");
        assertThat(at(withLog, "/domain/devices/serial/log/@append")).isEqualTo("on");
        assertThat(at(withLog, "/domain/devices/serial/target/@port")).isEqualTo("0");
        assertThat(at(withLog, "/domain/devices/console/@type")).isEqualTo("pty");
        assertThat(at(withLog, "/domain/devices/console/target/@type")).isEqualTo("serial");
        assertThat(at(without, "/domain/devices/serial/@type")).isEqualTo("pty");
        assertThat(at(without, "count(/domain/devices/serial/log)")).isEqualTo("0");
    }

    @Test
    @DisplayName("a VNC display listens where the options say and asks their password, escaped; without one, none")
    void vncDisplay() {
        String password = "a'b&c<\"d";
        Document with = parse(DomainXml.render(GUEST, new DomainXml.Options(DomainType.TCG, Optional.empty(),
                Optional.of(new DomainXml.Vnc("10.77.0.1", password)))));
        Document without = parse(DomainXml.render(GUEST, TCG_WITH_CONSOLE));

        assertThat(at(with, "/domain/devices/graphics/@type")).isEqualTo("vnc");
        assertThat(at(with, "/domain/devices/graphics/@autoport")).isEqualTo("yes");
        assertThat(at(with, "/domain/devices/graphics/@listen")).isEqualTo("10.77.0.1");
        assertThat(at(with, "/domain/devices/graphics/@passwd")).isEqualTo(password);
        assertThat(at(without, "count(/domain/devices/graphics)")).isEqualTo("0");
        assertThat(new DomainXml.Vnc("10.77.0.1", password).toString()).doesNotContain(password);
    }

    @Test
    @DisplayName("a running domain's VNC display is read from its live XML, and its password element keeps listen and port")
    void liveVnc() {
        String live = """
                <domain type='qemu'><name>web-1</name><uuid>%s</uuid><memory unit='KiB'>262144</memory><vcpu>2</vcpu>
                  <devices>
                    <serial type='pty'><source path='/dev/pts/3'/><target port='0'/></serial>
                    <graphics type='vnc' port='5901' autoport='yes' listen='10.77.0.2' passwd='s3cret'>
                      <listen type='address' address='10.77.0.2'/>
                    </graphics>
                  </devices>
                </domain>
                """.formatted(UUID);

        DomainXml.LiveVnc display = DomainXml.vncOf(live).orElseThrow();
        assertThat(display).isEqualTo(new DomainXml.LiveVnc("10.77.0.2", 5901, true, Optional.of("s3cret")));
        Document update = parse(DomainXml.vncPasswordXml(display, "n&w"));
        assertThat(at(update, "/graphics/@port")).isEqualTo("5901");
        assertThat(at(update, "/graphics/@listen")).isEqualTo("10.77.0.2");
        assertThat(at(update, "/graphics/@passwd")).isEqualTo("n&w");
        assertThat(DomainXml.vncOf(DomainXml.render(GUEST, TCG_WITH_CONSOLE))).isEmpty();

        String moved = DomainXml.withVncListen(live, "10.77.0.2", "10.77.0.3");
        assertThat(DomainXml.vncOf(moved).orElseThrow().listen()).isEqualTo("10.77.0.3");
        assertThat(moved).doesNotContain("10.77.0.2").contains("<listen type='address' address='10.77.0.3'/>");
    }

    @Test
    @DisplayName("the metadata marks the domain as Paddock's")
    void ownershipMark() {
        String xml = DomainXml.render(GUEST, TCG_WITH_CONSOLE);

        assertThat(xml).contains("xmlns:paddock='" + DomainXml.METADATA_NAMESPACE + "'");
        assertThat(parse(xml).getElementsByTagNameNS(DomainXml.METADATA_NAMESPACE, "domain").getLength()).isEqualTo(1);
    }

    @Test
    @DisplayName("names and paths with XML characters are escaped, not injected")
    void escaping() {
        DomainSpec odd = DomainSpec.of(UUID, "a<b>&'c\"", 1, 128)
                .withDisks(List.of(new DiskSpec("vda", "/images/x'/><evil/>.qcow2", "qcow2", 1)));

        Document xml = parse(DomainXml.render(odd, TCG_WITH_CONSOLE));

        assertThat(at(xml, "/domain/name")).isEqualTo("a<b>&'c\"");
        assertThat(at(xml, "/domain/devices/disk/source/@file")).isEqualTo("/images/x'/><evil/>.qcow2");
        assertThat(at(xml, "count(//evil)")).isEqualTo("0");
    }

    @ParameterizedTest(name = "a disk with format {0} and target {1} is refused")
    @CsvSource({"vmdk, vda", "qcow2, sda", "raw, hda", "qcow2, vd1"})
    void refusedDisks(String format, String target) {
        DomainSpec bad = DomainSpec.of(UUID, "web-1", 1, 128)
                .withDisks(List.of(new DiskSpec(target, "/images/x", format, 1)));

        assertThatThrownBy(() -> DomainXml.render(bad, TCG_WITH_CONSOLE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("disk");
    }

    @ParameterizedTest(name = "model {0} with action {1} renders <watchdog model=''{2}'' action=''{3}''>")
    @CsvSource({"I6300ESB, RESET, i6300esb, reset", "I6300ESB, POWEROFF, i6300esb, poweroff",
            "ITCO, PAUSE, itco, pause", "I6300ESB, NONE, i6300esb, none"})
    void watchdog(Watchdog.Model model, Watchdog.Action action, String xmlModel, String xmlAction) {
        Document xml = parse(DomainXml.render(GUEST.withWatchdog(Optional.of(new Watchdog(model, action))),
                TCG_WITH_CONSOLE));

        assertThat(at(xml, "count(/domain/devices/watchdog)")).isEqualTo("1");
        assertThat(at(xml, "/domain/devices/watchdog/@model")).isEqualTo(xmlModel);
        assertThat(at(xml, "/domain/devices/watchdog/@action")).isEqualTo(xmlAction);
    }

    @Test
    @DisplayName("a spec without a watchdog renders no watchdog device")
    void noWatchdog() {
        assertThat(at(parse(DomainXml.render(GUEST, TCG_WITH_CONSOLE)), "count(/domain/devices/watchdog)"))
                .isEqualTo("0");
    }

    private static Document parse(String xml) {
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (Exception e) {
            throw new AssertionError("not well-formed XML:\n" + xml, e);
        }
    }

    private static String at(Document xml, String xpath) {
        try {
            String value = XPathFactory.newInstance().newXPath().evaluate(xpath, xml);
            return value.endsWith(".0") ? value.substring(0, value.length() - 2) : value;
        } catch (Exception e) {
            throw new AssertionError(xpath, e);
        }
    }

    @Test
    @DisplayName("a rendered spec reads back equal: disks with their sizes, tagged NICs, boot and watchdog")
    void readsBackWhatItRenders() {
        DomainSpec whole = GUEST.withNics(List.of(GUEST.nics().getFirst(),
                        new NicSpec("52:54:00:aa:bb:02", "ovsbr0", Optional.of(100))))
                .withWatchdog(new Watchdog(Watchdog.Model.ITCO, Watchdog.Action.POWEROFF));

        assertThat(DomainXml.read(DomainXml.render(whole, TCG_WITH_CONSOLE))).isEqualTo(whole);
        assertThat(DomainXml.read(DomainXml.render(DomainSpec.of(UUID, "bare", 1, 64), TCG_WITH_CONSOLE)))
                .isEqualTo(DomainSpec.of(UUID, "bare", 1, 64));
    }

    @Test
    @DisplayName("a pool's volume, an NFS image QEMU reaches itself and a read-only seed render as libvirt takes them")
    void volumeNetworkAndReadOnlyDisks() {
        DomainSpec spec = DomainSpec.of(UUID, "web-1", 1, 128).withDisks(List.of(
                DiskSpec.volume("vda", "library", "web-1-root.qcow2", "qcow2", 8),
                DiskSpec.remote("vdb", new DomainSpec.Remote("nfs", "10.79.0.200", 0), "/export/paddock/data.qcow2",
                        "qcow2", 4),
                DiskSpec.volume("vdc", "library", "web-1-seed.iso", "raw", 0).asReadOnly())).withOsOnDisk(true);

        Document xml = parse(DomainXml.render(spec, TCG_WITH_CONSOLE));

        assertThat(at(xml, "/domain/devices/disk[1]/@type")).isEqualTo("volume");
        assertThat(at(xml, "/domain/devices/disk[1]/source/@pool")).isEqualTo("library");
        assertThat(at(xml, "/domain/devices/disk[1]/source/@volume")).isEqualTo("web-1-root.qcow2");
        assertThat(at(xml, "/domain/devices/disk[2]/@type")).isEqualTo("network");
        assertThat(at(xml, "/domain/devices/disk[2]/source/@protocol")).isEqualTo("nfs");
        assertThat(at(xml, "/domain/devices/disk[2]/source/@name")).isEqualTo("/export/paddock/data.qcow2");
        assertThat(at(xml, "/domain/devices/disk[2]/source/host/@name")).isEqualTo("10.79.0.200");
        assertThat(at(xml, "count(/domain/devices/disk[3]/readonly)")).isEqualTo("1");
        assertThat(at(xml, "count(/domain/devices/disk[1]/readonly)")).isEqualTo("0");
        assertThat(xml.getDocumentElement().getElementsByTagNameNS(DomainXml.METADATA_NAMESPACE, "domain").item(0)
                .getAttributes().getNamedItem("osOnDisk").getNodeValue()).isEqualTo("true");
        assertThat(DomainXml.read(DomainXml.render(spec, TCG_WITH_CONSOLE))).isEqualTo(spec);
    }

    @Test
    @DisplayName("UEFI asks libvirt for OVMF without secure boot; a boot order lists its devices; both read back")
    void firmwareAndBootOrder() {
        DomainSpec spec = DomainSpec.of(UUID, "web-1", 1, 128).withFirmware(dev.paddock.model.Firmware.UEFI)
                .withBoot(List.of(dev.paddock.model.BootDevice.NETWORK, dev.paddock.model.BootDevice.DISK));

        Document xml = parse(DomainXml.render(spec, TCG_WITH_CONSOLE));

        assertThat(at(xml, "/domain/os/@firmware")).isEqualTo("efi");
        assertThat(at(xml, "/domain/os/firmware/feature/@name")).isEqualTo("secure-boot");
        assertThat(at(xml, "/domain/os/firmware/feature/@enabled")).isEqualTo("no");
        assertThat(at(xml, "/domain/os/boot[1]/@dev")).isEqualTo("network");
        assertThat(at(xml, "/domain/os/boot[2]/@dev")).isEqualTo("hd");
        assertThat(DomainXml.read(DomainXml.render(spec, TCG_WITH_CONSOLE))).isEqualTo(spec);
        assertThat(at(parse(DomainXml.render(DomainSpec.of(UUID, "bios", 1, 64), TCG_WITH_CONSOLE)),
                "count(/domain/os/@firmware)")).isEqualTo("0");
    }

    @Test
    @DisplayName("libvirt's own form reads as the spec: memory in KiB, added devices and addresses skipped")
    void readsLibvirtsForm() {
        String libvirt = """
                <domain type='qemu'>
                  <name>web-1</name>
                  <uuid>%s</uuid>
                  <metadata>
                    <paddock:domain xmlns:paddock="https://paddock.dev/xmlns/domain/1" managed="true">
                      <paddock:disk target="vda" sizeGib="4"/>
                    </paddock:domain>
                  </metadata>
                  <memory unit='KiB'>262144</memory>
                  <currentMemory unit='KiB'>262144</currentMemory>
                  <vcpu placement='static'>2</vcpu>
                  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type><boot dev='hd'/></os>
                  <devices>
                    <emulator>/usr/bin/qemu-system-x86_64</emulator>
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='qcow2'/>
                      <source file='/srv/ds-1/web-1-root.qcow2'/>
                      <target dev='vda' bus='virtio'/>
                      <address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>
                    </disk>
                    <disk type='file' device='cdrom'>
                      <source file='/srv/iso/tools.iso'/><target dev='sda' bus='sata'/>
                    </disk>
                    <controller type='pci' index='0' model='pcie-root'/>
                    <interface type='bridge'>
                      <mac address='52:54:00:aa:bb:01'/>
                      <source bridge='ovsbr0'/>
                      <vlan><tag id='120'/></vlan>
                      <virtualport type='openvswitch'/>
                      <model type='virtio'/>
                    </interface>
                    <watchdog model='i6300esb' action='reset'>
                      <address type='pci' domain='0x0000' bus='0x10' slot='0x01' function='0x0'/>
                    </watchdog>
                    <memballoon model='none'/>
                  </devices>
                </domain>
                """.formatted(UUID);

        assertThat(DomainXml.read(libvirt)).isEqualTo(DomainSpec.of(UUID, "web-1", 2, 256)
                .withDisks(List.of(new DiskSpec("vda", "/srv/ds-1/web-1-root.qcow2", "qcow2", 4)))
                .withNics(List.of(new NicSpec("52:54:00:aa:bb:01", "ovsbr0", Optional.of(120))))
                .withWatchdog(new Watchdog(Watchdog.Model.I6300ESB, Watchdog.Action.RESET)));
    }

    @Test
    @DisplayName("maxima render vCPU slots, memory slots and one NUMA cell of the boot memory, and read back")
    void maxima() {
        DomainSpec growing = GUEST.withMaxima(new Maxima(Optional.of(4), Optional.of(1024L)));

        String rendered = DomainXml.render(growing, TCG_WITH_CONSOLE);
        Document xml = parse(rendered);

        assertThat(at(xml, "/domain/vcpu")).isEqualTo("4");
        assertThat(at(xml, "/domain/vcpu/@current")).isEqualTo("2");
        assertThat(at(xml, "/domain/maxMemory")).isEqualTo("1024");
        assertThat(at(xml, "/domain/maxMemory/@slots")).isEqualTo(String.valueOf(DomainXml.MEMORY_SLOTS));
        assertThat(at(xml, "/domain/memory")).isEqualTo("256");
        assertThat(at(xml, "/domain/cpu/numa/cell/@cpus")).isEqualTo("0-3");
        assertThat(at(xml, "/domain/cpu/numa/cell/@memory")).isEqualTo("256");
        assertThat(DomainXml.read(rendered)).isEqualTo(growing);
    }

    @Test
    @DisplayName("a maximum of vCPUs alone gives no memory slots; none gives a plain vCPU count and no NUMA cell")
    void maximaApart() {
        Document vcpusOnly = parse(DomainXml.render(GUEST.withMaxima(new Maxima(Optional.of(2), Optional.empty())),
                TCG_WITH_CONSOLE));
        Document none = parse(DomainXml.render(GUEST, TCG_WITH_CONSOLE));

        assertThat(at(vcpusOnly, "/domain/vcpu/@current")).isEqualTo("2");
        assertThat(at(vcpusOnly, "count(/domain/maxMemory)")).isEqualTo("0");
        assertThat(at(vcpusOnly, "count(/domain/cpu)")).isEqualTo("0");
        assertThat(at(none, "/domain/vcpu/@current")).isEmpty();
        assertThat(at(none, "count(/domain/cpu)")).isEqualTo("0");
        assertThat(DomainXml.read(DomainXml.render(GUEST.withMaxima(new Maxima(Optional.of(2), Optional.empty())),
                TCG_WITH_CONSOLE)).maxima()).isEqualTo(new Maxima(Optional.of(2), Optional.empty()));
    }

    @Test
    @DisplayName("a running domain with memory modules plugged in reads as its boot memory and modules together")
    void pluggedMemory() {
        String live = """
                <domain type='qemu' id='1'>
                  <name>web-1</name>
                  <uuid>%s</uuid>
                  <maxMemory slots='16' unit='KiB'>1048576</maxMemory>
                  <memory unit='KiB'>524288</memory>
                  <currentMemory unit='KiB'>524288</currentMemory>
                  <vcpu placement='static' current='3'>4</vcpu>
                  <vcpus>
                    <vcpu id='0' enabled='yes' hotpluggable='no' order='1'/>
                    <vcpu id='1' enabled='yes' hotpluggable='yes' order='2'/>
                    <vcpu id='2' enabled='yes' hotpluggable='yes' order='3'/>
                    <vcpu id='3' enabled='no' hotpluggable='yes'/>
                  </vcpus>
                  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>
                  <cpu><numa><cell id='0' cpus='0-3' memory='262144' unit='KiB'/></numa></cpu>
                  <devices>
                    <memory model='dimm'>
                      <target><size unit='KiB'>131072</size><node>0</node></target>
                      <alias name='dimm0'/>
                      <address type='dimm' slot='0' base='0x100000000'/>
                    </memory>
                    <memory model='dimm'>
                      <target><size unit='KiB'>131072</size><node>0</node></target>
                      <alias name='dimm1'/>
                      <address type='dimm' slot='1' base='0x108000000'/>
                    </memory>
                  </devices>
                </domain>
                """.formatted(UUID);

        DomainSpec read = DomainXml.read(live);

        assertThat(read.vcpus()).isEqualTo(3);
        assertThat(read.memoryMib()).isEqualTo(512);
        assertThat(read.maxima()).isEqualTo(new Maxima(Optional.of(4), Optional.of(1024L)));
        assertThat(DomainXml.dimms(live)).extracting(DomainXml.Dimm::sizeMib).containsExactly(128L, 128L);
        Document newest = parse(DomainXml.dimms(live).getLast().xml());
        assertThat(at(newest, "/memory/@model")).isEqualTo("dimm");
        assertThat(at(newest, "/memory/target/size")).isEqualTo("131072");
        assertThat(at(newest, "/memory/address/@slot")).isEqualTo("1");
    }

    @Test
    @DisplayName("a memory module to plug in is a DIMM of the size asked on NUMA node 0")
    void dimmToPlug() {
        Document dimm = parse(DomainXml.dimmXml(384));

        assertThat(at(dimm, "/memory/@model")).isEqualTo("dimm");
        assertThat(at(dimm, "/memory/target/size")).isEqualTo("384");
        assertThat(at(dimm, "/memory/target/size/@unit")).isEqualTo("MiB");
        assertThat(at(dimm, "/memory/target/node")).isEqualTo("0");
    }

    @Test
    @DisplayName("text that is not domain XML is refused as an argument error")
    void unreadable() {
        assertThatThrownBy(() -> DomainXml.read("<domain><name>x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
