package dev.paddock.libvirt;

import dev.paddock.model.BootDevice;
import dev.paddock.model.Firmware;
import dev.paddock.model.Maxima;
import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.DomainSpec.DirectBoot;
import dev.paddock.hypervisor.DomainSpec.DiskSpec;
import dev.paddock.hypervisor.DomainSpec.NicSpec;
import dev.paddock.model.Watchdog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Renders a {@link DomainSpec} as libvirt domain XML. Pure: the same spec and options give the same text.
 *
 * <p>Every domain is a q35 machine with virtio disks and NICs. The guest's first serial port is a pty, which
 * libvirt opens as the domain's console stream for whoever asks, and QEMU appends everything the guest writes to it
 * to the console log file, read or not; a pty nobody holds drops the output after logging it, so nothing on the host
 * has to drain it. A VNC display, when the options give one, listens where they say and asks their password. A {@code <metadata>} element in Paddock's namespace
 * marks the domain as created by Paddock: a domain without it on a managed host was made behind
 * Paddock's back. A watchdog device, when the spec has one, is rendered as libvirt's {@code <watchdog>}: QEMU
 * itself takes its action when it fires (libvirt's {@code dump} and {@code inject-nmi} are not offered).
 *
 * <p>{@link #read} turns a domain's XML back into a spec, so a define step can tell whether a host already holds
 * the definition it wants. A disk's size is not a libvirt domain fact: the mark carries it
 * ({@code <paddock:disk target='vda' sizeGib='8'/>}); a disk without one reads back with size 0.
 *
 * <p>Hot-plug maxima: vCPUs are libvirt's own ({@code <vcpu current='2'>4</vcpu>}: QEMU adds and removes vCPUs of a
 * q35 machine under TCG and KVM alike). Memory grows by DIMMs: {@code <maxMemory slots='16'>} and one NUMA cell
 * holding the memory the guest boots with, into which {@link #dimmXml memory modules} are plugged while it runs. Not
 * a balloon: a balloon can only give back memory the guest booted with (the domain's {@code <memory>} is then the
 * maximum, all of it the guest's until its balloon driver inflates), and the lab's guests, like any guest without
 * that driver, keep it all: on libvirt 9 with QEMU 7.2 a {@code setmem} of such a guest changed nothing its live
 * definition reports, while a DIMM plugged into a running lab guest showed in its live {@code <memory>} at once. The
 * mark carries the maxima too ({@code maxVcpus}, {@code maxMemoryMib}), since libvirt writes no {@code current} when
 * it equals the maximum.
 */
public final class DomainXml {

    /** The XML namespace of Paddock's ownership mark in a domain's {@code <metadata>}. */
    public static final String METADATA_NAMESPACE = "https://paddock.dev/xmlns/domain/1";

    private static final Set<String> FORMATS = Set.of("qcow2", "raw");

    /** How many memory modules a domain with a maximum of memory can be given while it runs. */
    static final int MEMORY_SLOTS = 16;

    /**
     * How to render, beyond the spec.
     *
     * @param type KVM or TCG, as the host offers
     * @param consoleLog the file the serial console is appended to, empty for no log
     * @param vnc the domain's VNC display, empty for none
     */
    public record Options(DomainType type, Optional<String> consoleLog, Optional<Vnc> vnc) {

        /** Without a VNC display. */
        public Options(DomainType type, Optional<String> consoleLog) {
            this(type, consoleLog, Optional.empty());
        }
    }

    /**
     * A VNC display on a port the host picks when the domain starts.
     *
     * @param listen the address it listens on
     * @param password what a client must answer VNC authentication's challenge with (QEMU reads 8 characters)
     */
    public record Vnc(String listen, String password) {
        @Override
        public String toString() {
            return "Vnc[listen=" + listen + "]";
        }
    }

    /**
     * A running domain's VNC display as its live XML gives it.
     *
     * @param password the password, when the XML was asked with its secrets ({@code VIR_DOMAIN_XML_SECURE}), else empty
     */
    record LiveVnc(String listen, int port, boolean autoport, Optional<String> password) {
        @Override
        public String toString() {
            return "LiveVnc[listen=" + listen + ", port=" + port + "]";
        }
    }

    private DomainXml() {}

    public static String render(DomainSpec spec, Options options) {
        var xml = new StringBuilder(1024);
        xml.append("<domain type='").append(options.type().xmlName()).append("'>\n");
        element(xml, 1, "name", spec.name());
        element(xml, 1, "uuid", spec.uuid());
        mark(xml, spec);
        spec.maxima().memoryMib().ifPresent(most -> xml.append("  <maxMemory slots='").append(MEMORY_SLOTS)
                .append("' unit='MiB'>").append(most).append("</maxMemory>\n"));
        xml.append("  <memory unit='MiB'>").append(spec.memoryMib()).append("</memory>\n");
        spec.maxima().vcpus().ifPresentOrElse(
                most -> xml.append("  <vcpu current='").append(spec.vcpus()).append("'>").append(most).append("</vcpu>\n"),
                () -> xml.append("  <vcpu>").append(spec.vcpus()).append("</vcpu>\n"));
        os(xml, spec);
        xml.append("  <features><acpi/></features>\n");
        if (spec.maxima().memoryMib().isPresent()) {
            // Memory modules need a NUMA node to join: one cell, every vCPU the domain may have, its boot memory.
            int vcpuSlots = spec.maxima().vcpus().orElse(spec.vcpus());
            xml.append("  <cpu><numa><cell id='0' cpus='0-").append(vcpuSlots - 1).append("' memory='")
                    .append(spec.memoryMib()).append("' unit='MiB'/></numa></cpu>\n");
        }
        xml.append("  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n  <on_crash>destroy</on_crash>\n");
        xml.append("  <devices>\n");
        for (DiskSpec disk : spec.disks()) {
            disk(xml, disk);
        }
        for (NicSpec nic : spec.nics()) {
            nic(xml, nic);
        }
        serial(xml, options.consoleLog());
        options.vnc().ifPresent(vnc -> xml.append("    <graphics type='vnc' autoport='yes' listen='")
                .append(escape(vnc.listen())).append("' passwd='").append(escape(vnc.password())).append("'/>\n"));
        spec.watchdog().ifPresent(watchdog -> xml.append("    <watchdog model='").append(watchdog.model().xmlName())
                .append("' action='").append(watchdog.action().xmlName()).append("'/>\n"));
        xml.append("    <memballoon model='none'/>\n");
        xml.append("  </devices>\n</domain>\n");
        return xml.toString();
    }

    private static void serial(StringBuilder xml, Optional<String> log) {
        xml.append("    <serial type='pty'>\n");
        log.ifPresent(path -> xml.append("      <log file='").append(escape(path)).append("' append='on'/>\n"));
        xml.append("      <target port='0'/>\n    </serial>\n");
        xml.append("    <console type='pty'><target type='serial' port='0'/></console>\n");
    }

    /** The VNC display of a domain's XML (live, for its port), empty when it has none. */
    /**
     * A running domain's NIC as its host plugged it: the device ({@code <target dev>}), the bridge or switch it joins
     * ({@code <source bridge>}, which libvirt fills in for a network NIC too), and whether that is an Open vSwitch
     * switch ({@code <virtualport type='openvswitch'>}).
     */
    record LivePort(String device, String bridge, boolean openvswitch) {}

    /** The live port of NIC {@code mac} in a running domain's XML; empty when it has no such NIC, or no port yet. */
    static Optional<LivePort> portOf(String domainXml, String mac) {
        Element root = XmlDocuments.parse(domainXml, "domain").getDocumentElement();
        return XmlDocuments.child(root, "devices").flatMap(devices -> XmlDocuments.children(devices).stream()
                .filter(device -> device.getTagName().equals("interface")
                        && XmlDocuments.attribute(device, "mac", "address").equalsIgnoreCase(mac))
                .findFirst())
                .filter(nic -> !XmlDocuments.attribute(nic, "target", "dev").isEmpty())
                .map(nic -> new LivePort(XmlDocuments.attribute(nic, "target", "dev"),
                        XmlDocuments.attribute(nic, "source", "bridge"),
                        XmlDocuments.attribute(nic, "virtualport", "type").equals("openvswitch")));
    }

    static Optional<LiveVnc> vncOf(String domainXml) {
        Element root = XmlDocuments.parse(domainXml, "domain").getDocumentElement();
        return XmlDocuments.child(root, "devices").flatMap(devices -> XmlDocuments.children(devices).stream()
                .filter(device -> device.getTagName().equals("graphics") && device.getAttribute("type").equals("vnc"))
                .findFirst())
                .map(graphics -> {
                    String port = graphics.getAttribute("port");
                    String passwd = graphics.getAttribute("passwd");
                    return new LiveVnc(listenOf(graphics), port.isEmpty() ? -1 : Integer.parseInt(port),
                            !graphics.getAttribute("autoport").equals("no"),
                            graphics.hasAttribute("passwd") ? Optional.of(passwd) : Optional.empty());
                });
    }

    private static String listenOf(Element graphics) {
        String listen = graphics.getAttribute("listen");
        if (!listen.isEmpty()) {
            return listen;
        }
        return XmlDocuments.child(graphics, "listen").map(l -> l.getAttribute("address")).filter(a -> !a.isEmpty())
                .orElse("127.0.0.1");
    }

    /**
     * {@code domainXml} (as libvirt writes it) with its VNC display listening on {@code address} instead of
     * {@code from}: the definition a migration gives the destination, whose display cannot listen on the source's
     * address.
     */
    static String withVncListen(String domainXml, String from, String address) {
        String old = escape(from);
        String now = escape(address);
        return domainXml.replace(" listen='" + old + "'", " listen='" + now + "'")
                .replace("<listen type='address' address='" + old + "'", "<listen type='address' address='" + now + "'");
    }

    /**
     * The {@code <graphics>} element that gives {@code display} the password {@code password}: what
     * virDomainUpdateDeviceFlags takes, which refuses an element whose listen address or port differ from the
     * domain's.
     */
    static String vncPasswordXml(LiveVnc display, String password) {
        String listen = escape(display.listen());
        return "<graphics type='vnc'" + (display.port() > 0 ? " port='" + display.port() + "'" : "")
                + " autoport='" + (display.autoport() ? "yes" : "no") + "' listen='" + listen + "' passwd='"
                + escape(password) + "'><listen type='address' address='" + listen + "'/></graphics>";
    }

    private static void mark(StringBuilder xml, DomainSpec spec) {
        xml.append("  <metadata>\n    <paddock:domain xmlns:paddock='").append(METADATA_NAMESPACE)
                .append("' managed='true'");
        if (spec.osOnDisk()) {
            xml.append(" osOnDisk='true'");
        }
        spec.maxima().vcpus().ifPresent(most -> xml.append(" maxVcpus='").append(most).append('\''));
        spec.maxima().memoryMib().ifPresent(most -> xml.append(" maxMemoryMib='").append(most).append('\''));
        if (spec.disks().isEmpty()) {
            xml.append("/>\n");
        } else {
            xml.append(">\n");
            for (DiskSpec disk : spec.disks()) {
                xml.append("      <paddock:disk target='").append(escape(disk.target())).append("' sizeGib='")
                        .append(disk.sizeGib()).append("'/>\n");
            }
            xml.append("    </paddock:domain>\n");
        }
        xml.append("  </metadata>\n");
    }

    private static void os(StringBuilder xml, DomainSpec spec) {
        boolean uefi = spec.firmware() == Firmware.UEFI;
        xml.append(uefi ? "  <os firmware='efi'>\n" : "  <os>\n");
        xml.append("    <type arch='x86_64' machine='q35'>hvm</type>\n");
        if (uefi) {
            // Secure boot needs SMM, which TCG guests lack: libvirt picks the plain OVMF build.
            xml.append("    <firmware><feature enabled='no' name='secure-boot'/></firmware>\n");
        }
        spec.directBoot().ifPresentOrElse(boot -> {
            element(xml, 2, "kernel", boot.kernel());
            element(xml, 2, "initrd", boot.initrd());
            element(xml, 2, "cmdline", boot.cmdline());
        }, () -> {
            List<BootDevice> order = spec.boot().isEmpty() ? List.of(BootDevice.DISK) : spec.boot();
            order.forEach(device -> xml.append("    <boot dev='").append(bootName(device)).append("'/>\n"));
        });
        xml.append("  </os>\n");
    }

    private static String bootName(BootDevice device) {
        return switch (device) {
            case DISK -> "hd";
            case CDROM -> "cdrom";
            case NETWORK -> "network";
        };
    }

    private static void disk(StringBuilder xml, DiskSpec disk) {
        if (!FORMATS.contains(disk.format())) {
            throw new IllegalArgumentException("disk " + disk.target() + ": format must be qcow2 or raw, not " + disk.format());
        }
        if (!disk.target().matches("vd[a-z]{1,2}")) {
            throw new IllegalArgumentException("disk target must name a virtio disk (vda, vdb, ...), not " + disk.target());
        }
        String type = disk.pool().isPresent() ? "volume" : disk.remote().isPresent() ? "network" : "file";
        xml.append("    <disk type='").append(type).append("' device='disk'>\n");
        xml.append("      <driver name='qemu' type='").append(disk.format()).append("'/>\n");
        if (disk.pool().isPresent()) {
            xml.append("      <source pool='").append(escape(disk.pool().get())).append("' volume='")
                    .append(escape(disk.path())).append("'/>\n");
        } else if (disk.remote().isPresent()) {
            DomainSpec.Remote server = disk.remote().get();
            xml.append("      <source protocol='").append(escape(server.protocol())).append("' name='")
                    .append(escape(disk.path())).append("'>\n        <host name='").append(escape(server.host()))
                    .append('\'');
            if (server.port() > 0) {
                xml.append(" port='").append(server.port()).append('\'');
            }
            xml.append("/>\n      </source>\n");
        } else {
            xml.append("      <source file='").append(escape(disk.path())).append("'/>\n");
        }
        xml.append("      <target dev='").append(disk.target()).append("' bus='virtio'/>\n");
        if (disk.readOnly()) {
            xml.append("      <readonly/>\n");
        }
        xml.append("    </disk>\n");
    }

    /** The {@code <interface>} element of one NIC, as {@link #render} writes it: what a hot plug sends. */
    static String interfaceXml(NicSpec nic) {
        StringBuilder xml = new StringBuilder();
        nic(xml, nic);
        return xml.toString().strip() + "\n";
    }

    /** The {@code <disk>} element of one disk, as {@link #render} writes it: what a hot plug sends. */
    static String diskXml(DiskSpec disk) {
        StringBuilder xml = new StringBuilder();
        disk(xml, disk);
        return xml.toString().strip() + "\n";
    }

    private static void nic(StringBuilder xml, NicSpec nic) {
        boolean onNetwork = nic.source() == DomainSpec.Source.NETWORK;
        xml.append(onNetwork ? "    <interface type='network'>\n" : "    <interface type='bridge'>\n");
        xml.append("      <mac address='").append(escape(nic.mac())).append("'/>\n");
        xml.append(onNetwork ? "      <source network='" : "      <source bridge='").append(escape(nic.network()))
                .append("'/>\n");
        // A VLAN tag needs an Open vSwitch bridge on the host; libvirt refuses it on a Linux bridge.
        nic.vlan().ifPresent(tag -> xml.append("      <vlan><tag id='").append(tag).append("'/></vlan>\n"));
        if (!nic.bandwidth().limitsNothing()) {
            xml.append("      <bandwidth>\n");
            // a peak equal to the average: on an Open vSwitch port libvirt caps inbound traffic at the peak (the
            // average alone is only the rate guaranteed), and on a Linux bridge's tap the two are tc's rate and ceil
            long in = nic.bandwidth().inboundKBps();
            if (in > 0) {
                xml.append("        <inbound average='").append(in).append("' peak='").append(in).append("'/>\n");
            }
            if (nic.bandwidth().outboundKBps() > 0) {
                xml.append("        <outbound average='").append(nic.bandwidth().outboundKBps()).append("'/>\n");
            }
            xml.append("      </bandwidth>\n");
        }
        xml.append("      <model type='virtio'/>\n");
        xml.append("    </interface>\n");
    }

    /**
     * The spec a domain's XML (as libvirt gives it, or as {@link #render} wrote it) defines: name, UUID, memory,
     * vCPUs, direct boot, file disks, NICs on a bridge or a libvirt network with their VLAN tag, and the watchdog. Devices Paddock does not
     * render (a console, a balloon, the controllers libvirt adds) are not part of a spec and are skipped.
     *
     * @throws IllegalArgumentException when the text is not domain XML
     */
    public static DomainSpec read(String xml) {
        Element root = XmlDocuments.parse(xml, "domain").getDocumentElement();
        Element devices = XmlDocuments.child(root, "devices").orElseThrow(
                () -> new IllegalArgumentException("domain XML without <devices>"));
        Map<String, Long> sizes = diskSizes(root);
        List<DiskSpec> disks = new ArrayList<>();
        List<NicSpec> nics = new ArrayList<>();
        Optional<Watchdog> watchdog = Optional.empty();
        for (Element device : XmlDocuments.children(devices)) {
            switch (device.getTagName()) {
                case "disk" -> readDisk(device, sizes).ifPresent(disks::add);
                case "interface" -> nics.add(readNic(device));
                case "watchdog" -> watchdog = readWatchdog(device);
                default -> { }
            }
        }
        return new DomainSpec(XmlDocuments.text(root, "uuid"), XmlDocuments.text(root, "name"), vcpus(root),
                memoryMib(root), disks, nics, readDirectBoot(root), watchdog, readFirmware(root), readBoot(root),
                osOnDisk(root), maxima(root));
    }

    /** The vCPUs a domain runs with: its {@code current} ones when it has vCPUs to plug in. */
    private static int vcpus(Element root) {
        Element vcpu = XmlDocuments.child(root, "vcpu").orElseThrow(
                () -> new IllegalArgumentException("domain XML without <vcpu>"));
        String current = vcpu.getAttribute("current");
        return Integer.parseInt(current.isEmpty() ? vcpu.getTextContent().trim() : current);
    }

    /**
     * The maxima the mark names; a domain without the mark (defined elsewhere) has libvirt's own: its vCPU slots when
     * it has some not in use, its {@code <maxMemory>}.
     */
    private static Maxima maxima(Element root) {
        NodeList marks = root.getElementsByTagNameNS(METADATA_NAMESPACE, "domain");
        if (marks.getLength() > 0) {
            Element mark = (Element) marks.item(0);
            return new Maxima(Optional.of(mark.getAttribute("maxVcpus")).filter(text -> !text.isEmpty())
                    .map(Integer::valueOf), Optional.of(mark.getAttribute("maxMemoryMib"))
                    .filter(text -> !text.isEmpty()).map(Long::valueOf));
        }
        Optional<Integer> vcpus = XmlDocuments.child(root, "vcpu").filter(vcpu -> !vcpu.getAttribute("current").isEmpty())
                .map(vcpu -> Integer.valueOf(vcpu.getTextContent().trim()));
        return new Maxima(vcpus, maxMemoryMib(root));
    }

    /** A domain's {@code <maxMemory>} in MiB, empty when it has no memory slots. */
    private static Optional<Long> maxMemoryMib(Element root) {
        return XmlDocuments.child(root, "maxMemory").map(DomainXml::mib);
    }

    /** The memory a domain's XML gives it in MiB: its boot memory and every memory module plugged in. */
    static long memoryMib(String xml) {
        return memoryMib(XmlDocuments.parse(xml, "domain").getDocumentElement());
    }

    /** How many vCPUs a domain's XML lets it run: its {@code <vcpu>}'s count, in use or not. */
    static int vcpuSlots(String xml) {
        return Integer.parseInt(XmlDocuments.text(XmlDocuments.parse(xml, "domain").getDocumentElement(), "vcpu"));
    }

    /** A domain's {@code <maxMemory>} in MiB, empty when it has no memory slots. */
    static Optional<Long> maxMemoryMib(String xml) {
        return maxMemoryMib(XmlDocuments.parse(xml, "domain").getDocumentElement());
    }

    /**
     * The {@code <memory model='dimm'>} element of a memory module of {@code sizeMib} on NUMA node 0, what a memory
     * hot plug sends.
     */
    static String dimmXml(long sizeMib) {
        return "<memory model='dimm'>\n  <target>\n    <size unit='MiB'>" + sizeMib
                + "</size>\n    <node>0</node>\n  </target>\n</memory>\n";
    }

    /**
     * The memory modules of a domain's XML in the order they were plugged in, each as the element a detach sends
     * (its size, node and slot, by which libvirt finds it) with its size in MiB.
     */
    static List<Dimm> dimms(String xml) {
        Element root = XmlDocuments.parse(xml, "domain").getDocumentElement();
        List<Dimm> dimms = new ArrayList<>();
        XmlDocuments.child(root, "devices").ifPresent(devices -> XmlDocuments.children(devices).stream()
                .filter(device -> device.getTagName().equals("memory") && device.getAttribute("model").equals("dimm"))
                .forEach(device -> {
                    Element target = XmlDocuments.child(device, "target").orElseThrow(
                            () -> new IllegalArgumentException("memory module without <target>"));
                    long size = kib(XmlDocuments.child(target, "size").orElseThrow(
                            () -> new IllegalArgumentException("memory module without <size>")));
                    String node = XmlDocuments.child(target, "node").map(n -> n.getTextContent().trim()).orElse("0");
                    String slot = XmlDocuments.child(device, "address").map(a -> a.getAttribute("slot")).orElse("");
                    dimms.add(new Dimm(size / 1024, "<memory model='dimm'>\n  <target>\n    <size unit='KiB'>" + size
                            + "</size>\n    <node>" + escape(node) + "</node>\n  </target>\n"
                            + (slot.isEmpty() ? "" : "  <address type='dimm' slot='" + escape(slot) + "'/>\n")
                            + "</memory>\n"));
                }));
        return dimms;
    }

    /** A memory module of a domain: its size, and the element that names it to a detach. */
    record Dimm(long sizeMib, String xml) {}

    private static long memoryMib(Element root) {
        return mib(XmlDocuments.child(root, "memory").orElseThrow(
                () -> new IllegalArgumentException("domain XML without <memory>")));
    }

    /** An amount of memory with its {@code unit} attribute, in MiB. */
    private static long mib(Element memory) {
        return kib(memory) / 1024;
    }

    private static long kib(Element memory) {
        long amount = Long.parseLong(memory.getTextContent().trim());
        return switch (memory.getAttribute("unit")) {
            case "", "KiB", "k", "K" -> amount;
            case "MiB", "M" -> amount * 1024;
            case "GiB", "G" -> amount << 20;
            default -> throw new IllegalArgumentException("memory unit " + memory.getAttribute("unit"));
        };
    }

    private static Optional<DirectBoot> readDirectBoot(Element root) {
        return XmlDocuments.child(root, "os").flatMap(os -> XmlDocuments.child(os, "kernel").map(kernel ->
                new DirectBoot(kernel.getTextContent().trim(), XmlDocuments.text(os, "initrd"),
                        XmlDocuments.text(os, "cmdline"))));
    }

    private static Firmware readFirmware(Element root) {
        return XmlDocuments.child(root, "os").map(os -> os.getAttribute("firmware").equals("efi")
                || XmlDocuments.child(os, "loader").map(l -> l.getTextContent().contains("OVMF")).orElse(false))
                .orElse(false) ? Firmware.UEFI : Firmware.BIOS;
    }

    private static List<BootDevice> readBoot(Element root) {
        List<BootDevice> order = new ArrayList<>();
        XmlDocuments.child(root, "os").ifPresent(os -> XmlDocuments.children(os).stream()
                .filter(element -> element.getTagName().equals("boot"))
                .forEach(boot -> {
                    switch (boot.getAttribute("dev")) {
                        case "hd" -> order.add(BootDevice.DISK);
                        case "cdrom" -> order.add(BootDevice.CDROM);
                        case "network" -> order.add(BootDevice.NETWORK);
                        default -> { }
                    }
                }));
        return order;
    }

    private static boolean osOnDisk(Element root) {
        NodeList marks = root.getElementsByTagNameNS(METADATA_NAMESPACE, "domain");
        return marks.getLength() > 0 && ((Element) marks.item(0)).getAttribute("osOnDisk").equals("true");
    }

    private static Map<String, Long> diskSizes(Element root) {
        Map<String, Long> sizes = new HashMap<>();
        NodeList marked = root.getElementsByTagNameNS(METADATA_NAMESPACE, "disk");
        for (int i = 0; i < marked.getLength(); i++) {
            Element disk = (Element) marked.item(i);
            sizes.put(disk.getAttribute("target"), Long.parseLong(disk.getAttribute("sizeGib")));
        }
        return sizes;
    }

    /** A disk of a file, a pool's volume or a network image; a CD-ROM or a block device is not one Paddock defines. */
    private static Optional<DiskSpec> readDisk(Element disk, Map<String, Long> sizes) {
        if (!disk.getAttribute("device").equals("disk")) {
            return Optional.empty();
        }
        String target = XmlDocuments.attribute(disk, "target", "dev");
        String format = XmlDocuments.attribute(disk, "driver", "type");
        long size = sizes.getOrDefault(target, 0L);
        boolean readOnly = XmlDocuments.child(disk, "readonly").isPresent();
        Optional<DiskSpec> read = switch (disk.getAttribute("type")) {
            case "file" -> Optional.of(new DiskSpec(target, XmlDocuments.attribute(disk, "source", "file"), format, size));
            case "volume" -> Optional.of(DiskSpec.volume(target, XmlDocuments.attribute(disk, "source", "pool"),
                    XmlDocuments.attribute(disk, "source", "volume"), format, size));
            case "network" -> XmlDocuments.child(disk, "source").map(source -> {
                Optional<Element> host = XmlDocuments.child(source, "host");
                String port = host.map(h -> h.getAttribute("port")).orElse("");
                return DiskSpec.remote(target, new DomainSpec.Remote(source.getAttribute("protocol"),
                        host.map(h -> h.getAttribute("name")).orElse(""), port.isEmpty() ? 0 : Integer.parseInt(port)),
                        source.getAttribute("name"), format, size);
            });
            default -> Optional.empty();
        };
        return readOnly ? read.map(DiskSpec::asReadOnly) : read;
    }

    private static NicSpec readNic(Element nic) {
        Optional<Integer> vlan = XmlDocuments.child(nic, "vlan").flatMap(v -> XmlDocuments.child(v, "tag"))
                .map(tag -> Integer.parseInt(tag.getAttribute("id")));
        // A running domain's live XML names the bridge of a network NIC too: the interface's type says which it is.
        boolean onNetwork = nic.getAttribute("type").equals("network");
        String network = XmlDocuments.attribute(nic, "source", onNetwork ? "network" : "bridge");
        DomainSpec.Bandwidth bandwidth = XmlDocuments.child(nic, "bandwidth")
                .map(limits -> new DomainSpec.Bandwidth(average(limits, "inbound"), average(limits, "outbound")))
                .orElse(DomainSpec.Bandwidth.NONE);
        return new NicSpec(XmlDocuments.attribute(nic, "mac", "address"), network, vlan,
                onNetwork ? DomainSpec.Source.NETWORK : DomainSpec.Source.BRIDGE, bandwidth);
    }

    /** A {@code <bandwidth>} direction's average in kilobytes per second, 0 when it has none. */
    private static long average(Element bandwidth, String direction) {
        String average = XmlDocuments.attribute(bandwidth, direction, "average");
        return average.isEmpty() ? 0 : Long.parseLong(average.strip());
    }

    private static Optional<Watchdog> readWatchdog(Element device) {
        Optional<Watchdog.Model> model = Watchdog.Model.named(device.getAttribute("model"));
        Optional<Watchdog.Action> action = Watchdog.Action.named(device.getAttribute("action").isEmpty() ? "reset"
                : device.getAttribute("action"));
        return model.flatMap(m -> action.map(a -> new Watchdog(m, a)));
    }

    private static void element(StringBuilder xml, int depth, String name, String text) {
        xml.append("  ".repeat(depth)).append('<').append(name).append('>').append(escape(text))
                .append("</").append(name).append(">\n");
    }

    static String escape(String text) {
        var out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '\'' -> out.append("&apos;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
