package dev.paddock.libvirt;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The link state of a domain's NICs, read from and written as libvirt XML. Pure. Updates are one
 * {@code <interface>} element per NIC, otherwise unchanged, for {@code virDomainUpdateDeviceFlags}: libvirt
 * finds the device by its MAC address and refuses any change other than the link state.
 */
final class InterfaceLinks {

    private InterfaceLinks() {}

    /** The device XML that sets every NIC's link up or down. */
    static List<String> withLinkState(String domainXml, boolean up) {
        var devices = new ArrayList<String>();
        for (Element nic : interfaces(domainXml)) {
            devices.add(serialize(withLink(nic, up ? "up" : "down")));
        }
        return List.copyOf(devices);
    }

    /** Each NIC's link state by MAC address, true for up; a NIC without a {@code <link>} element is up. */
    static Map<String, Boolean> linkStates(String domainXml) {
        var states = new LinkedHashMap<String, Boolean>();
        for (Element nic : interfaces(domainXml)) {
            states.put(firstAttribute(nic, "mac", "address"), !"down".equals(firstAttribute(nic, "link", "state")));
        }
        return Collections.unmodifiableMap(states);
    }

    private static List<Element> interfaces(String domainXml) {
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            var builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler());
            NodeList all = builder.parse(new InputSource(new StringReader(domainXml))).getElementsByTagName("interface");
            var nics = new ArrayList<Element>();
            for (int i = 0; i < all.getLength(); i++) {
                Element nic = (Element) all.item(i);
                if (nic.getParentNode() instanceof Element parent && parent.getTagName().equals("devices")) {
                    nics.add(nic);
                }
            }
            return nics;
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalArgumentException("unreadable domain XML: " + e.getMessage(), e);
        }
    }

    private static Element withLink(Element nic, String state) {
        Element copy = (Element) nic.cloneNode(true);
        for (Node child = copy.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && element.getTagName().equals("link")) {
                element.setAttribute("state", state);
                return copy;
            }
        }
        Element link = copy.getOwnerDocument().createElement("link");
        link.setAttribute("state", state);
        copy.appendChild(link);
        return copy;
    }

    private static String firstAttribute(Element parent, String child, String name) {
        NodeList children = parent.getElementsByTagName(child);
        return children.getLength() == 0 ? "" : ((Element) children.item(0)).getAttribute(name);
    }

    private static String serialize(Element element) {
        try {
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            var out = new StringWriter();
            transformer.transform(new DOMSource(element), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot write interface XML: " + e.getMessage(), e);
        }
    }
}
