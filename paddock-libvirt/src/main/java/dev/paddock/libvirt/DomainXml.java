package dev.paddock.libvirt;

import dev.paddock.hypervisor.DomainSpec;
import dev.paddock.hypervisor.DomainSpec.DirectBoot;
import dev.paddock.hypervisor.DomainSpec.DiskSpec;
import dev.paddock.hypervisor.DomainSpec.NicSpec;
import java.util.Optional;
import java.util.Set;

/**
 * Renders a {@link DomainSpec} as libvirt domain XML. Pure: the same spec and options give the same text.
 *
 * <p>Every domain is a q35 machine with virtio disks and NICs; the guest's serial console goes to a file
 * (no pty, so nothing on the host has to drain it). A {@code <metadata>} element in Paddock's namespace
 * marks the domain as created by Paddock: a domain without it on a managed host was made behind
 * Paddock's back. A watchdog device, when the spec has one, is rendered as libvirt's {@code <watchdog>}: QEMU
 * itself takes its action when it fires (libvirt's {@code dump} and {@code inject-nmi} are not offered).
 */
public final class DomainXml {

    /** The XML namespace of Paddock's ownership mark in a domain's {@code <metadata>}. */
    public static final String METADATA_NAMESPACE = "https://paddock.dev/xmlns/domain/1";

    private static final Set<String> FORMATS = Set.of("qcow2", "raw");

    /**
     * How to render, beyond the spec.
     *
     * @param type KVM or TCG, as the host offers
     * @param consoleLog the file the serial console is appended to, empty for no serial device
     */
    public record Options(DomainType type, Optional<String> consoleLog) {}

    private DomainXml() {}

    public static String render(DomainSpec spec, Options options) {
        var xml = new StringBuilder(1024);
        xml.append("<domain type='").append(options.type().xmlName()).append("'>\n");
        element(xml, 1, "name", spec.name());
        element(xml, 1, "uuid", spec.uuid());
        xml.append("  <metadata>\n    <paddock:domain xmlns:paddock='").append(METADATA_NAMESPACE)
                .append("' managed='true'/>\n  </metadata>\n");
        xml.append("  <memory unit='MiB'>").append(spec.memoryMib()).append("</memory>\n");
        xml.append("  <vcpu>").append(spec.vcpus()).append("</vcpu>\n");
        os(xml, spec.directBoot());
        xml.append("  <features><acpi/></features>\n");
        xml.append("  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n  <on_crash>destroy</on_crash>\n");
        xml.append("  <devices>\n");
        for (DiskSpec disk : spec.disks()) {
            disk(xml, disk);
        }
        for (NicSpec nic : spec.nics()) {
            nic(xml, nic);
        }
        options.consoleLog().ifPresent(path -> xml.append("    <serial type='file'><source path='")
                .append(escape(path)).append("' append='on'/><target port='0'/></serial>\n"));
        spec.watchdog().ifPresent(watchdog -> xml.append("    <watchdog model='").append(watchdog.model().xmlName())
                .append("' action='").append(watchdog.action().xmlName()).append("'/>\n"));
        xml.append("    <memballoon model='none'/>\n");
        xml.append("  </devices>\n</domain>\n");
        return xml.toString();
    }

    private static void os(StringBuilder xml, Optional<DirectBoot> directBoot) {
        xml.append("  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n");
        directBoot.ifPresentOrElse(boot -> {
            element(xml, 2, "kernel", boot.kernel());
            element(xml, 2, "initrd", boot.initrd());
            element(xml, 2, "cmdline", boot.cmdline());
        }, () -> xml.append("    <boot dev='hd'/>\n"));
        xml.append("  </os>\n");
    }

    private static void disk(StringBuilder xml, DiskSpec disk) {
        if (!FORMATS.contains(disk.format())) {
            throw new IllegalArgumentException("disk " + disk.target() + ": format must be qcow2 or raw, not " + disk.format());
        }
        if (!disk.target().matches("vd[a-z]{1,2}")) {
            throw new IllegalArgumentException("disk target must name a virtio disk (vda, vdb, ...), not " + disk.target());
        }
        xml.append("    <disk type='file' device='disk'>\n");
        xml.append("      <driver name='qemu' type='").append(disk.format()).append("'/>\n");
        xml.append("      <source file='").append(escape(disk.path())).append("'/>\n");
        xml.append("      <target dev='").append(disk.target()).append("' bus='virtio'/>\n");
        xml.append("    </disk>\n");
    }

    private static void nic(StringBuilder xml, NicSpec nic) {
        xml.append("    <interface type='bridge'>\n");
        xml.append("      <mac address='").append(escape(nic.mac())).append("'/>\n");
        xml.append("      <source bridge='").append(escape(nic.network())).append("'/>\n");
        // A VLAN tag needs an Open vSwitch bridge on the host; libvirt refuses it on a Linux bridge.
        nic.vlan().ifPresent(tag -> xml.append("      <vlan><tag id='").append(tag).append("'/></vlan>\n"));
        xml.append("      <model type='virtio'/>\n");
        xml.append("    </interface>\n");
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
