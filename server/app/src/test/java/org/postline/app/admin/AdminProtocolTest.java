package org.postline.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminProtocolTest {

    @Test
    void requestRoundTripKeepsAwkwardWordsAndPassword() throws Exception {
        char[] password = "p%ss wörd\tsecret %secret".toCharArray();
        AdminRequest sent = new AdminRequest(List.of("user", "add", "ä lice@example.org", "%secret"), Optional.of(password.clone()));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();

        AdminProtocol.writeRequest(sent, wire);

        String line = wire.toString(StandardCharsets.UTF_8);
        assertThat(line).endsWith("\n").doesNotContain("\t").hasLineCount(1);
        AdminRequest received = AdminProtocol.readRequest(new ByteArrayInputStream(wire.toByteArray())).orElseThrow();
        assertThat(received.words()).containsExactly("user", "add", "ä lice@example.org", "%secret");
        assertThat(received.secret()).hasValueSatisfying(s -> assertThat(s).isEqualTo(password));
        assertThat(received.toString()).isEqualTo("user add ä lice@example.org %secret <password>").doesNotContain("wörd");
    }

    @Test
    void wipeClearsThePassword() {
        char[] password = "secret".toCharArray();
        AdminRequest request = new AdminRequest(List.of("user", "passwd", "a@b.c"), Optional.of(password));
        request.wipe();
        assertThat(password).containsOnly('\0');
    }

    @Test
    void responseRoundTrip() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        AdminProtocol.writeResponse(AdminResponse.ok(List.of("a.org", "b\nc.org")), wire);
        AdminProtocol.writeResponse(AdminResponse.failed("domain x already\nexists"), wire);

        ByteArrayInputStream in = new ByteArrayInputStream(wire.toByteArray());
        assertThat(AdminProtocol.readResponse(in)).isEqualTo(AdminResponse.ok(List.of("a.org", "b c.org")));
        assertThat(AdminProtocol.readResponse(in)).isEqualTo(AdminResponse.failed("domain x already exists"));
    }

    @Test
    void closedConnectionIsNoRequest() throws Exception {
        assertThat(AdminProtocol.readRequest(new ByteArrayInputStream(new byte[0]))).isEmpty();
    }
}
