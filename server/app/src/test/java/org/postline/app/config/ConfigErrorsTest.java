package org.postline.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ConfigException;

/** Each class of configuration error names file, line and setting, and says what was expected. */
class ConfigErrorsTest {

    @TempDir
    Path home;

    private ConfigException failure(String xml) throws IOException {
        Path file = Files.writeString(home.resolve("postline.xml"), xml);
        try {
            new ConfigLoader(home, Map.of(), "mail.test.example").load(file);
        } catch (ConfigException e) {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.getMessage()).isEqualTo(file + (e.line() > 0 ? ":" + e.line() : "") + ": " + e.setting() + ": "
                    + e.getMessage().substring(e.getMessage().indexOf(e.setting() + ": ") + e.setting().length() + 2));
            return e;
        }
        throw new AssertionError("expected a ConfigException for " + xml);
    }

    private static void assertError(ConfigException e, int line, String setting, String problemPart) {
        assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
        assertThat(e.setting()).as(e.getMessage()).isEqualTo(setting);
        assertThat(e.getMessage()).contains(problemPart);
    }

    @Test
    void unknownElement() throws IOException {
        ConfigException e = failure("<postline>\n  <domains/>\n  <mailbox/>\n</postline>");
        assertError(e, 3, "mailbox", "unknown element <mailbox>");
        assertThat(e.getMessage()).contains("expected one of:").contains("listeners");
    }

    @Test
    void unknownNestedElement() throws IOException {
        ConfigException e = failure("<postline>\n<listeners>\n<smtp port='25'>\n<limit/>\n</smtp>\n</listeners>\n</postline>");
        assertError(e, 4, "listeners/smtp/limit", "unknown element <limit>");
        assertThat(e.getMessage()).contains("tls, limits");
    }

    @Test
    void repeatedElement() throws IOException {
        ConfigException e = failure("<postline>\n<hostname>a.example</hostname>\n<hostname>b.example</hostname>\n</postline>");
        assertError(e, 3, "hostname", "may appear only once");
    }

    @Test
    void unknownAttribute() throws IOException {
        ConfigException e = failure("<postline>\n<listeners>\n<smtp prot='25'/>\n</listeners>\n</postline>");
        assertError(e, 3, "listeners/smtp/prot", "unknown attribute");
    }

    @Test
    void wrongTypes() throws IOException {
        assertError(failure("<postline>\n<listeners>\n<smtp port='abc'/>\n</listeners></postline>"),
                3, "listeners/smtp/port", "\"abc\" is not a port number (0-65535)");
        assertError(failure("<postline>\n<spool retryDelay='30 seconds'/></postline>"),
                2, "spool/retryDelay", "is not a duration such as 500ms, 30s, 5m");
        assertError(failure("<postline>\n<listeners><smtp tls='ssl'/></listeners></postline>"),
                2, "listeners/smtp/tls", "\"ssl\" is not one of none, starttls, implicit");
        assertError(failure("<postline>\n<relay senderMustBeOwnAddress='yes'/></postline>"),
                2, "relay/senderMustBeOwnAddress", "\"yes\" is not true or false");
        assertError(failure("<postline>\n<listeners><smtp><limits maxMessageSize='lots'/></smtp></listeners></postline>"),
                2, "listeners/smtp/limits/maxMessageSize", "is not a size in bytes");
        assertError(failure("<postline>\n<spool workers='0'/></postline>"),
                2, "spool/workers", "\"0\" is not a whole number of at least 1");
    }

    @Test
    void badPort() throws IOException {
        assertError(failure("<postline>\n<listeners>\n\n<smtp name='x' port='70000'/>\n</listeners></postline>"),
                4, "listeners/smtp/port", "\"70000\" is not a port number");
        assertError(failure("<postline><listeners>\n<smtp port='-1'/></listeners></postline>"),
                2, "listeners/smtp/port", "is not a port number");
    }

    @Test
    void missingRequiredValue() throws IOException {
        assertError(failure("<postline>\n<storage>\n<jdbc user='sa'/>\n</storage></postline>"),
                3, "storage/jdbc/url", "required but missing");
        assertError(failure("<postline>\n<domains>\n<domain>  </domain>\n</domains></postline>"),
                3, "domains/domain", "a value is required");
        assertError(failure("<postline>\n<admin socket=''/></postline>"),
                2, "admin/socket", "a value is required");
    }

    @Test
    void duplicateListenerNameAndPort() throws IOException {
        assertError(failure("<postline><listeners>\n<smtp name='in' port='2525'/>\n<smtp name='in' port='2526'/>\n</listeners></postline>"),
                3, "listeners/smtp/name", "listener name \"in\" is already used on line 2");
        assertError(failure("<postline><listeners>\n<smtp name='a' port='2525'/>\n<pop3 name='b' port='2525' bind='127.0.0.1'/>\n</listeners></postline>"),
                3, "listeners/pop3/port", "port 2525 is already used by listener \"a\" on line 2");
    }

    @Test
    void samePortOnDistinctAddressesIsFine() throws Exception {
        Path file = Files.writeString(home.resolve("ok.xml"),
                "<postline><listeners><smtp name='a' port='2525' bind='127.0.0.1'/><smtp name='b' port='2525' bind='127.0.0.2'/></listeners></postline>");
        assertThat(new ConfigLoader(home, Map.of(), "h").load(file).config().listeners()).hasSize(2);
    }

    @Test
    void badCidr() throws IOException {
        assertError(failure("<postline>\n<relay>\n<network>10.0.0.0/8</network>\n<network>10.0.0/8</network>\n</relay></postline>"),
                4, "relay/network", "\"10.0.0/8\" is not a network in CIDR notation");
        assertError(failure("<postline><relay>\n<network>192.168.0.0/33</network></relay></postline>"),
                2, "relay/network", "bad prefix length: expected 0 to 32");
    }

    @Test
    void defaultDomainMustBeListed() throws IOException {
        assertError(failure("<postline>\n<domains default='example.com'>\n<domain>example.org</domain>\n</domains></postline>"),
                2, "domains/default", "\"example.com\" is not one of the listed domains");
        assertError(failure("<postline><domains>\n<domain>exa mple.org</domain></domains></postline>"),
                2, "domains/domain", "is not a domain name");
        assertError(failure("<postline>\n<domains postmaster='postmaster'><domain>example.org</domain></domains></postline>"),
                2, "domains/postmaster", "\"postmaster\" is not a mail address (local@domain)");
        assertError(failure("<postline><domains>\n<domain>a.org</domain>\n<domain>A.org</domain></domains></postline>"),
                3, "domains/domain", "listed twice");
    }

    @Test
    void badBindAddressAndResolver() throws IOException {
        assertError(failure("<postline><listeners>\n<smtp bind='mail.example.org'/></listeners></postline>"),
                2, "listeners/smtp/bind", "is not an IP address");
        assertError(failure("<postline><dns>\n<resolver>dns.example</resolver></dns></postline>"),
                2, "dns/resolver", "is not a resolver address");
        assertError(failure("<postline><storage>\n<jdbc url='jdbc:mysql://db/mail'/></storage></postline>"),
                2, "storage/jdbc/url", "is not a JDBC URL Postline supports");
    }

    @Test
    void aBrokerNeedsTheBodiesInTheDatabase() throws IOException {
        assertError(failure("<postline>\n<broker url='tcp://127.0.0.1:61616'/></postline>"),
                2, "broker", "set <storage bodies=\"database\">");
        assertError(failure("<postline><storage bodies='database'/>\n<broker url='amqp://x'/></postline>"),
                2, "broker/url", "is not an Artemis broker URL");
    }

    @Test
    void bodyStorageIsFilesOrDatabase() throws IOException {
        assertError(failure("<postline>\n<storage bodies='cloud'/></postline>"),
                2, "storage/bodies", "one of files, database");
    }

    @Test
    void placeholders() throws IOException {
        assertError(failure("<postline><storage>\n<jdbc url='jdbc:derby:x' password='${env:NOPE}'/></storage></postline>"),
                2, "storage/jdbc/password", "environment variable NOPE is not set");
        assertError(failure("<postline><storage>\n<blobs dir='${tmp}/b'/></storage></postline>"),
                2, "storage/blobs/dir", "unknown placeholder ${tmp}");
    }

    @Test
    void notWellFormedAndWrongRoot() throws IOException {
        assertError(failure("<postline>\n<domains>\n</postline>"), 3, "domains", "not well-formed XML");
        assertError(failure("<server/>"), 1, "server", "the root element must be <postline>");
        assertError(failure("<!DOCTYPE postline [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><postline/>"), 1, "document", "DOCTYPE");
    }

    @Test
    void textWhereNoneBelongs() throws IOException {
        assertError(failure("<postline>\n<spool>4</spool></postline>"), 2, "spool", "takes attributes only");
        assertError(failure("<postline>\n<listeners>smtp</listeners></postline>"), 2, "listeners", "text is not allowed here");
    }

    @Test
    void missingFile() {
        Path file = home.resolve("absent.xml");
        try {
            new ConfigLoader(home, Map.of(), "h").load(file);
            throw new AssertionError("no exception");
        } catch (ConfigException e) {
            assertThat(e.getMessage()).isEqualTo(file + ": file: not found");
        }
    }
}
