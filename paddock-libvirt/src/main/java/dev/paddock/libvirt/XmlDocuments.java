package dev.paddock.libvirt;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/** Reading the XML libvirt answers with: namespace-aware, no DTDs, errors as exceptions rather than stderr. */
final class XmlDocuments {

    private XmlDocuments() {}

    /** @param what what the text should be, for the error message */
    static Document parse(String xml, String what) {
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            var builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // throws on fatal errors without printing them
            return builder.parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalArgumentException("unreadable " + what + " XML: " + e.getMessage(), e);
        }
    }

    static List<Element> children(Element parent) {
        List<Element> children = new ArrayList<>();
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                children.add(element);
            }
        }
        return children;
    }

    static Optional<Element> child(Element parent, String name) {
        return children(parent).stream().filter(e -> e.getTagName().equals(name)).findFirst();
    }

    /** The trimmed text of the first child named {@code name}, empty when there is none. */
    static String text(Element parent, String name) {
        return child(parent, name).map(e -> e.getTextContent().trim()).orElse("");
    }

    /** An attribute of the first child named {@code name}, empty when either is missing. */
    static String attribute(Element parent, String name, String attribute) {
        return child(parent, name).map(e -> e.getAttribute(attribute)).orElse("");
    }
}
