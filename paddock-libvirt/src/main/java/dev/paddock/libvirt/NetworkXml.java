package dev.paddock.libvirt;

import dev.paddock.hypervisor.HostBridge;
import dev.paddock.hypervisor.HostNetwork;
import dev.paddock.hypervisor.NetworkSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.w3c.dom.Element;

/**
 * Libvirt network and host interface XML. Pure, like {@link DomainXml}: {@link #render} writes the network a
 * {@link NetworkSpec} asks for, {@link #read} turns a network's XML (as libvirt gives it back, with the UUID and MAC
 * it added) into what Paddock compares, and {@link #readBridge} picks the bridges out of the host's interfaces.
 *
 * <p>A network over a host bridge is {@code <forward mode='bridge'/>} with that {@code <bridge name>}: libvirt only
 * plugs each VM's tap into the bridge. An isolated network has a {@code <bridge>} and no {@code <forward>} nor
 * {@code <ip>}: libvirt makes the bridge when it starts the network, runs no DHCP on it, and routes nothing out.
 */
public final class NetworkXml {

    private NetworkXml() {}

    public static String render(NetworkSpec spec) {
        var xml = new StringBuilder(160);
        xml.append("<network>\n  <name>").append(DomainXml.escape(spec.name())).append("</name>\n");
        if (spec.hostBridge().isPresent()) {
            xml.append("  <forward mode='bridge'/>\n");
            xml.append("  <bridge name='").append(DomainXml.escape(spec.bridge())).append("'/>\n");
            if (spec.openvswitch()) {
                xml.append("  <virtualport type='openvswitch'/>\n");
            }
            spec.vlan().ifPresent(tag -> xml.append("  <vlan>\n    <tag id='").append(tag).append("'/>\n  </vlan>\n"));
        } else {
            xml.append("  <bridge name='").append(DomainXml.escape(spec.bridge())).append("' stp='on' delay='0'/>\n");
        }
        xml.append("</network>\n");
        return xml.toString();
    }

    /**
     * The network a libvirt network's XML describes; {@code active} is not in the XML and is the caller's to say.
     *
     * @throws IllegalArgumentException when the text is not network XML
     */
    public static HostNetwork read(String xml, boolean active) {
        Element root = XmlDocuments.parse(xml, "network").getDocumentElement();
        if (!root.getTagName().equals("network")) {
            throw new IllegalArgumentException("not network XML: <" + root.getTagName() + ">");
        }
        // A <forward> without a mode is libvirt's default, NAT.
        String forward = XmlDocuments.child(root, "forward")
                .map(f -> f.getAttribute("mode").isEmpty() ? "nat" : f.getAttribute("mode")).orElse("");
        String virtualPort = XmlDocuments.attribute(root, "virtualport", "type");
        // One <tag> is an access port's VLAN; a trunk of several tags is none Paddock made.
        OptionalInt vlan = XmlDocuments.child(root, "vlan")
                .map(v -> XmlDocuments.children(v).stream().filter(tag -> tag.getTagName().equals("tag")).toList())
                .filter(tags -> tags.size() == 1)
                .map(tags -> parseTag(tags.getFirst().getAttribute("id")))
                .orElse(OptionalInt.empty());
        return new HostNetwork(XmlDocuments.text(root, "name"), XmlDocuments.text(root, "uuid"), forward,
                XmlDocuments.attribute(root, "bridge", "name"), active, virtualPort, vlan);
    }

    private static OptionalInt parseTag(String id) {
        try {
            return OptionalInt.of(Integer.parseInt(id.strip()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** True when the host's network {@code held} is the one {@code spec} defines. */
    public static boolean matches(NetworkSpec spec, HostNetwork held) {
        return spec.isHeldAs(held);
    }

    /**
     * A host interface's XML (virInterfaceGetXMLDesc) as a bridge, empty when the interface is not a bridge.
     *
     * @throws IllegalArgumentException when the text is not interface XML
     */
    public static Optional<HostBridge> readBridge(String xml, boolean active) {
        Element root = XmlDocuments.parse(xml, "interface").getDocumentElement();
        if (!root.getAttribute("type").equals("bridge")) {
            return Optional.empty();
        }
        List<String> ports = new ArrayList<>();
        XmlDocuments.child(root, "bridge").ifPresent(bridge -> {
            for (Element port : XmlDocuments.children(bridge)) {
                if (port.getTagName().equals("interface")) {
                    ports.add(port.getAttribute("name"));
                }
            }
        });
        return Optional.of(new HostBridge(root.getAttribute("name"), XmlDocuments.attribute(root, "mac", "address"),
                active, ports));
    }
}
