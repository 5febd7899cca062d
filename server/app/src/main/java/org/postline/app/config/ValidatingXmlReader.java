package org.postline.app.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.ValidatorHandler;
import org.postline.api.config.ConfigException;
import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads an XML file, validates it against a schema and returns its elements with their line numbers. The
 * first schema error becomes a {@link ConfigException} naming file, line and setting. DOCTYPEs are refused,
 * so no external entity is ever fetched.
 */
public final class ValidatingXmlReader {

    private final Schema schema;

    public ValidatingXmlReader(URL schemaResource) {
        try {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            this.schema = factory.newSchema(schemaResource);
        } catch (SAXException e) {
            throw new IllegalStateException("the schema " + schemaResource + " is broken", e);
        }
    }

    /** The schema of conf/postline.xml shipped in this jar. */
    public static ValidatingXmlReader forPostlineXml() {
        return new ValidatingXmlReader(ValidatingXmlReader.class.getResource("postline.xsd"));
    }

    public XmlElement read(Path file) throws ConfigException {
        Parse parse = new Parse();
        ValidatorHandler validator = schema.newValidatorHandler();
        validator.setErrorHandler(parse);
        validator.setContentHandler(parse.treeBuilder);
        parse.validator = validator;
        try (InputStream in = Files.newInputStream(file)) {
            XMLReader reader = newReader();
            reader.setContentHandler(parse);
            reader.setErrorHandler(parse);
            InputSource source = new InputSource(in);
            source.setSystemId(file.toUri().toString());
            reader.parse(source);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, "file", "not found");
        } catch (IOException e) {
            throw new ConfigException(file, 0, "file", "cannot be read: " + e.getMessage(), e);
        } catch (SAXParseException e) {
            // Only well-formedness errors are thrown; schema errors are collected below.
            if (parse.problems.isEmpty()) {
                String why = String.valueOf(e.getMessage()).contains("DOCTYPE")
                        ? "DOCTYPE declarations are not allowed" : e.getMessage();
                throw new ConfigException(file, e.getLineNumber(), parse.currentSetting(), "not well-formed XML: " + why, e);
            }
        } catch (SAXException e) {
            throw new ConfigException(file, 0, "file", "cannot be parsed: " + e.getMessage(), e);
        }
        if (!parse.problems.isEmpty()) {
            throw SchemaMessages.toConfigException(file, parse.problems);
        }
        return parse.treeBuilder.root;
    }

    private static XMLReader newReader() throws SAXException {
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            return factory.newSAXParser().getXMLReader();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no usable XML parser", e);
        }
    }

    /** A schema error and the element path being read when it was reported. */
    record Problem(SAXParseException error, String elementPath, boolean repeatedElement) {
    }

    /** Sits in front of the validator to know where we are, and collects what the validator reports. */
    private static final class Parse extends DefaultHandler {
        private final List<Problem> problems = new ArrayList<>();
        private final Deque<String> path = new ArrayDeque<>();
        private final Deque<java.util.Set<String>> seenChildren = new ArrayDeque<>();
        private boolean repeatedElement;
        private final TreeBuilder treeBuilder = new TreeBuilder();
        private ValidatorHandler validator;

        String currentSetting() {
            String current = elementPath();
            return current.isEmpty() ? "document" : current;
        }

        String elementPath() {
            List<String> names = new ArrayList<>(path);
            java.util.Collections.reverse(names);
            // Paths start below the root element, as XmlElement.path does.
            return names.size() <= 1 ? "" : String.join("/", names.subList(1, names.size()));
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            treeBuilder.locator = locator;
            validator.setDocumentLocator(locator);
        }

        @Override
        public void startDocument() throws SAXException {
            validator.startDocument();
        }

        @Override
        public void endDocument() throws SAXException {
            validator.endDocument();
        }

        @Override
        public void startPrefixMapping(String prefix, String uri) throws SAXException {
            validator.startPrefixMapping(prefix, uri);
        }

        @Override
        public void endPrefixMapping(String prefix) throws SAXException {
            validator.endPrefixMapping(prefix);
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
            java.util.Set<String> siblings = seenChildren.peek();
            repeatedElement = siblings != null && !siblings.add(localName);
            seenChildren.push(new java.util.HashSet<>());
            path.push(localName);
            validator.startElement(uri, localName, qName, atts);
            repeatedElement = false;
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SAXException {
            validator.endElement(uri, localName, qName);
            path.pop();
            seenChildren.pop();
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            validator.characters(ch, start, length);
        }

        @Override
        public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
            validator.ignorableWhitespace(ch, start, length);
        }

        @Override
        public void processingInstruction(String target, String data) throws SAXException {
            validator.processingInstruction(target, data);
        }

        @Override
        public void error(SAXParseException e) {
            problems.add(new Problem(e, elementPath(), repeatedElement));
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void warning(SAXParseException e) {
            // Schema warnings carry nothing a user must fix.
        }
    }

    /** Builds the element tree from what the validator lets through. */
    private static final class TreeBuilder extends DefaultHandler implements ContentHandler {
        private Locator locator;
        private final Deque<Pending> open = new ArrayDeque<>();
        private XmlElement root;

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) {
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int i = 0; i < atts.getLength(); i++) {
                attributes.put(atts.getLocalName(i).isEmpty() ? atts.getQName(i) : atts.getLocalName(i), atts.getValue(i));
            }
            String parentPath = open.isEmpty() ? null : open.peek().path;
            String path = parentPath == null ? "" : parentPath.isEmpty() ? localName : parentPath + "/" + localName;
            open.push(new Pending(localName, path, locator == null ? 0 : locator.getLineNumber(), attributes));
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (!open.isEmpty()) {
                open.peek().text.append(ch, start, length);
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            Pending done = open.pop();
            XmlElement element = new XmlElement(done.name, done.path, done.line, done.attributes,
                    done.text.toString().trim(), done.children);
            if (open.isEmpty()) {
                root = element;
            } else {
                open.peek().children.add(element);
            }
        }

        private static final class Pending {
            final String name;
            final String path;
            final int line;
            final Map<String, String> attributes;
            final StringBuilder text = new StringBuilder();
            final List<XmlElement> children = new ArrayList<>();

            Pending(String name, String path, int line, Map<String, String> attributes) {
                this.name = name;
                this.path = path;
                this.line = line;
                this.attributes = attributes;
            }
        }
    }
}
