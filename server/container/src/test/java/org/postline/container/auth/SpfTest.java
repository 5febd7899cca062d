package org.postline.container.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.mail.Session;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postline.api.config.DnsConfig;
import org.postline.api.queue.SessionFacts;
import org.postline.container.dns.DnsClient;
import org.postline.container.dns.FakeDnsServer;
import org.postline.container.mail.MailContent;
import org.postline.container.mail.PostlineMail;
import org.postline.container.mail.SourcedMimeMessage;
import org.postline.container.mailets.SPF;
import org.postline.container.matchers.SPFResultIs;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;

/** SPF checks of the envelope sender against policies served by a fake DNS server on loopback. */
class SpfTest {

    private FakeDnsServer server;
    private SPF spf;

    private static Name n(String name) throws Exception {
        return Name.fromString(name, Name.root);
    }

    private static List<Record> txt(String name, String text) throws Exception {
        return List.of(new TXTRecord(n(name), DClass.IN, 300, text));
    }

    @BeforeEach
    void start() throws Exception {
        server = new FakeDnsServer(Map.of(
                n("pass.test"), txt("pass.test", "v=spf1 ip4:192.0.2.0/24 -all"),
                n("fail.test"), txt("fail.test", "v=spf1 ip4:198.51.100.7 -all"),
                n("soft.test"), txt("soft.test", "v=spf1 ip4:198.51.100.7 ~all"),
                n("neutral.test"), txt("neutral.test", "v=spf1 ?all"),
                n("nospf.test"), txt("nospf.test", "some other text"),
                n("include.test"), txt("include.test", "v=spf1 include:broken.test -all"),
                n("helo.client.test"), txt("helo.client.test", "v=spf1 ip4:192.0.2.10 -all")));
        server.fail(n("broken.test"));
        server.fail(n("down.test"));
        spf = new SPF(new DnsClient(new DnsConfig(List.of(server.address()), Duration.ofSeconds(2))));
        spf.init(FakeMailetConfig.builder().mailetName("SPF").mailetContext(FakeMailContext.defaultContext()).build());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private PostlineMail check(String sender, String ip) throws Exception {
        PostlineMail mail = new PostlineMail(PostlineMail.newName(),
                sender == null ? MaybeSender.nullSender() : MaybeSender.of(new MailAddress(sender)),
                List.of(new MailAddress("alice@example.org")),
                SourcedMimeMessage.of(Session.getInstance(new Properties()),
                        "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
        mail.setSession(new SessionFacts(ip, "client", "helo.client.test", Optional.empty(), false, "smtp"));
        spf.service(mail);
        return mail;
    }

    private static String header(PostlineMail mail) throws Exception {
        return new String(MailContent.bytes(mail.getMessage()), StandardCharsets.US_ASCII);
    }

    @Test
    void pass() throws Exception {
        PostlineMail mail = check("bob@pass.test", "192.0.2.10");
        assertThat(AuthResults.result(mail, AuthResults.SPF)).contains("pass");
        assertThat(AuthResults.clauses(mail)).containsExactly("spf=pass smtp.mailfrom=bob@pass.test");
        assertThat(header(mail)).startsWith("Received-SPF: pass (localhost: domain of pass.test designates 192.0.2.10"
                + " as permitted sender)\r\n\tclient-ip=192.0.2.10; envelope-from=\"bob@pass.test\";"
                + " helo=helo.client.test;\r\n\treceiver=localhost; identity=mailfrom;\r\nSubject: hi\r\n");
    }

    @Test
    void fail() throws Exception {
        PostlineMail mail = check("bob@fail.test", "192.0.2.10");
        assertThat(AuthResults.result(mail, AuthResults.SPF)).contains("fail");
        assertThat(header(mail)).startsWith("Received-SPF: fail (");
    }

    @Test
    void softfail() throws Exception {
        assertThat(AuthResults.result(check("bob@soft.test", "192.0.2.10"), AuthResults.SPF)).contains("softfail");
    }

    @Test
    void neutral() throws Exception {
        assertThat(AuthResults.result(check("bob@neutral.test", "192.0.2.10"), AuthResults.SPF)).contains("neutral");
    }

    @Test
    void noneWithoutARecordOrForAnUnknownDomain() throws Exception {
        assertThat(AuthResults.result(check("bob@nospf.test", "192.0.2.10"), AuthResults.SPF)).contains("none");
        assertThat(AuthResults.result(check("bob@nxdomain.test", "192.0.2.10"), AuthResults.SPF)).contains("none");
    }

    @Test
    void temperrorWhenDnsFails() throws Exception {
        assertThat(AuthResults.result(check("bob@down.test", "192.0.2.10"), AuthResults.SPF)).contains("temperror");
        assertThat(AuthResults.result(check("bob@include.test", "192.0.2.10"), AuthResults.SPF)).contains("temperror");
    }

    @Test
    void permerrorForABrokenRecord() throws Exception {
        server.put(n("bad.test"), txt("bad.test", "v=spf1 ip4:not-an-address -all"));
        assertThat(AuthResults.result(check("bob@bad.test", "192.0.2.10"), AuthResults.SPF)).contains("permerror");
    }

    @Test
    void theNullSenderIsCheckedByItsHeloName() throws Exception {
        PostlineMail bounce = check(null, "192.0.2.10");
        assertThat(AuthResults.result(bounce, AuthResults.SPF)).contains("pass");
        assertThat(AuthResults.clauses(bounce)).containsExactly("spf=pass smtp.helo=helo.client.test");
        assertThat(header(bounce)).contains("identity=helo;");
        assertThat(AuthResults.result(check(null, "198.51.100.1"), AuthResults.SPF)).contains("fail");
    }

    @Test
    void theMatcherPicksTheListedResults() throws Exception {
        Matcher matcher = new SPFResultIs();
        matcher.init(FakeMatcherConfig.builder().matcherName("SPFResultIs").condition("fail, softfail")
                .mailetContext(FakeMailContext.defaultContext()).build());
        assertThat(matcher.match(check("bob@fail.test", "192.0.2.10"))).containsExactly(new MailAddress("alice@example.org"));
        assertThat(matcher.match(check("bob@soft.test", "192.0.2.10"))).hasSize(1);
        assertThat(matcher.match(check("bob@pass.test", "192.0.2.10"))).isEmpty();

        Matcher bad = new SPFResultIs();
        assertThatThrownBy(() -> bad.init(FakeMatcherConfig.builder().matcherName("SPFResultIs").condition("fial")
                .mailetContext(FakeMailContext.defaultContext()).build())).hasMessageContaining("\"fial\" is not a result");
    }
}
