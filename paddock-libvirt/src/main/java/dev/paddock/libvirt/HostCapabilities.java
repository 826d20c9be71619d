package dev.paddock.libvirt;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What a host's capabilities XML ({@code virConnectGetCapabilities}) says that Paddock needs.
 *
 * @param hostUuid the host's {@code host_uuid}
 * @param cpuModel the host CPU model, for example "Skylake-Client-IBRS", or "unknown"
 * @param numaCells NUMA cells, at least 1
 * @param domainTypes the domain types offered for x86_64 guests
 * @param cpuVendor the host CPU's vendor ("Intel", "AMD"), "" when not said
 * @param cpuFeatures the features the host CPU has beyond its model's
 */
public record HostCapabilities(String hostUuid, String cpuModel, int numaCells, Set<DomainType> domainTypes,
        String cpuVendor, Set<String> cpuFeatures) {

    public HostCapabilities {
        domainTypes = Set.copyOf(domainTypes);
        cpuFeatures = Set.copyOf(cpuFeatures);
    }

    public HostCapabilities(String hostUuid, String cpuModel, int numaCells, Set<DomainType> domainTypes) {
        this(hostUuid, cpuModel, numaCells, domainTypes, "", Set.of());
    }

    /** KVM when the host offers it, else TCG. */
    public DomainType preferredDomainType() {
        return domainTypes.contains(DomainType.KVM) ? DomainType.KVM : DomainType.TCG;
    }

    public static HostCapabilities parse(String xml) {
        Element root = XmlDocuments.parse(xml, "capabilities").getDocumentElement();
        Element host = child(root, "host");
        String uuid = host == null ? "" : text(child(host, "uuid"));
        Element cpu = host == null ? null : child(host, "cpu");
        String model = cpu == null ? "" : text(child(cpu, "model"));
        int cells = 1;
        Element topology = host == null ? null : child(host, "topology");
        Element cellsElement = topology == null ? null : child(topology, "cells");
        if (cellsElement != null && !cellsElement.getAttribute("num").isEmpty()) {
            cells = Math.max(1, Integer.parseInt(cellsElement.getAttribute("num")));
        }
        String vendor = cpu == null ? "" : text(child(cpu, "vendor"));
        return new HostCapabilities(uuid, model.isEmpty() ? "unknown" : model, cells, domainTypes(root), vendor,
                features(cpu));
    }

    /** The names of the {@code <feature>} children of the host's {@code <cpu>}. */
    private static Set<String> features(Element cpu) {
        Set<String> names = new HashSet<>();
        for (var node = cpu == null ? null : cpu.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals("feature")
                    && !element.getAttribute("name").isEmpty()) {
                names.add(element.getAttribute("name"));
            }
        }
        return names;
    }

    /** The text of the first element named {@code name} anywhere in {@code xml}, or "". */
    static String firstText(String xml, String name) {
        NodeList found = XmlDocuments.parse(xml, "capabilities").getElementsByTagName(name);
        return found.getLength() == 0 ? "" : found.item(0).getTextContent().trim();
    }

    private static Set<DomainType> domainTypes(Element root) {
        var types = EnumSet.noneOf(DomainType.class);
        NodeList guests = root.getElementsByTagName("guest");
        for (int i = 0; i < guests.getLength(); i++) {
            Element guest = (Element) guests.item(i);
            Element arch = child(guest, "arch");
            if (arch == null || !"x86_64".equals(arch.getAttribute("name"))) {
                continue;
            }
            NodeList domains = arch.getElementsByTagName("domain");
            for (int j = 0; j < domains.getLength(); j++) {
                String type = ((Element) domains.item(j)).getAttribute("type");
                for (DomainType candidate : DomainType.values()) {
                    if (candidate.xmlName().equals(type)) {
                        types.add(candidate);
                    }
                }
            }
        }
        return types;
    }

    private static Element child(Element parent, String name) {
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        return null;
    }

    private static String text(Element element) {
        return element == null ? "" : element.getTextContent().trim();
    }
}
