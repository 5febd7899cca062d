package org.postline.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Guards the build: bin/postline started by these tests (with postline.xml lacking {@code <dns>}) must ask only a
 * loopback resolver. The parent pom gives failsafe dnsjava's {@code dns.server} and POSTLINE_JAVA_OPTS, which the
 * launcher passes on to the server's JVM.
 */
class LoopbackDnsIT {

    private static final Pattern DNS_SERVER = Pattern.compile("-Ddns\\.server=(\\S+)");

    /** An IP literal, with or without a port, is loopback (never a name: that would ask DNS). */
    private static boolean loopback(String server) throws Exception {
        String host = server.startsWith("[") ? server.substring(1, server.indexOf(']'))
                : server.contains(":") && server.indexOf(':') == server.lastIndexOf(':')
                        ? server.substring(0, server.indexOf(':')) : server;
        return InetAddress.getByName(host).isLoopbackAddress();
    }

    @Test
    void theServersStartedByTestsResolveOnLoopbackOnly() throws Exception {
        String options = Optional.ofNullable(System.getenv("POSTLINE_JAVA_OPTS")).orElse("");
        Matcher server = DNS_SERVER.matcher(options);
        assertThat(server.find()).as("POSTLINE_JAVA_OPTS=%s sets no dns.server", options).isTrue();
        assertThat(server.group(1)).matches("[0-9.:\\[\\]a-fA-F]+");
        assertThat(loopback(server.group(1))).as(server.group(1)).isTrue();
        String own = System.getProperty("dns.server");
        assertThat(own).as("this JVM's dns.server").isNotNull().matches("[0-9.:\\[\\]a-fA-F]+");
        assertThat(loopback(own)).as(own).isTrue();

        assertThat(options).as("no reverse lookup per connection").contains("-Djames.protocols.mdc.hostname=false");

        Path launcher = Path.of(System.getProperty("postline.dist"), "bin", "postline");
        assertThat(Files.readString(launcher)).containsPattern("exec \"\\$JAVA\"[^\n]* \\$\\{POSTLINE_JAVA_OPTS:-\\}");
    }
}
