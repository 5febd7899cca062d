package org.postline.container.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.postline.api.config.ConfigException;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/** Reads an XML file into {@link XmlElement}s that remember their line numbers; no DTDs, no external entities. */
public final class XmlReader {

    private XmlReader() {
    }

    public static XmlElement read(Path file) throws ConfigException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(file, in);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, "file", "does not exist");
        } catch (IOException e) {
            throw new ConfigException(file, 0, "file", "cannot be read: " + e.getMessage(), e);
        }
    }

    static XmlElement read(Path file, InputStream in) throws ConfigException, IOException {
        TreeBuilder builder = new TreeBuilder();
        try {
            newParser().parse(in, builder);
        } catch (SAXParseException e) {
            throw new ConfigException(file, e.getLineNumber(), "xml", "not well-formed: " + e.getMessage(), e);
        } catch (SAXException | ParserConfigurationException e) {
            throw new ConfigException(file, 0, "xml", "cannot be parsed: " + e.getMessage(), e);
        }
        if (builder.root == null) {
            throw new ConfigException(file, 0, "xml", "no root element");
        }
        return builder.root;
    }

    private static SAXParser newParser() throws ParserConfigurationException, SAXException {
        SAXParserFactory factory = SAXParserFactory.newInstance();
        factory.setNamespaceAware(false);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return factory.newSAXParser();
    }

    private static final class TreeBuilder extends DefaultHandler {
        private final Deque<XmlElement> open = new ArrayDeque<>();
        private Locator locator;
        private XmlElement root;

        @Override
        public void setDocumentLocator(Locator documentLocator) {
            this.locator = documentLocator;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attrs) {
            Map<String, String> map = new LinkedHashMap<>();
            for (int i = 0; i < attrs.getLength(); i++) {
                map.put(attrs.getQName(i), attrs.getValue(i));
            }
            XmlElement element = new XmlElement(qName, locator == null ? 0 : locator.getLineNumber(), map);
            if (open.isEmpty()) {
                root = element;
            } else {
                open.peek().add(element);
            }
            open.push(element);
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            open.pop();
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (!open.isEmpty()) {
                open.peek().appendText(ch, start, length);
            }
        }
    }
}
