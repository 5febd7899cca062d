package org.postline.container.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.mail.Session;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.mailet.Mailet;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.DnsConfig;
import org.postline.container.dns.DnsClient;
import org.postline.container.dns.FakeDnsServer;
import org.postline.container.mail.MailContent;
import org.postline.container.mail.PostlineMail;
import org.postline.container.mail.SourcedMimeMessage;
import org.postline.container.mailets.DKIMSign;
import org.postline.container.mailets.DKIMVerify;

/** DKIM signatures made by DKIMSign, checked with jDKIM and DKIMVerify against keys on a fake DNS server. */
class DkimTest {

    @TempDir
    Path dir;

    private FakeDnsServer server;
    private DnsClient dns;
    private DkimKeys keys;
    private Path keyFile;

    @BeforeEach
    void start() throws Exception {
        keys = DkimKeys.generate();
        keyFile = keys.writePkcs8(dir, "example.org.pem");
        server = new FakeDnsServer(Map.of(DkimKeys.keyName("s1", "example.org"), List.of(keys.txtRecord("s1", "example.org"))));
        dns = new DnsClient(new DnsConfig(List.of(server.address()), Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    static final String MESSAGE = "Received: from client.example.net by mail.example.org\r\n"
            + "From: Alice <alice@example.org>\r\n"
            + "To: bob@example.net\r\n"
            + "Subject: Quarterly   figures\r\n"
            + "Message-ID: <m1@example.org>\r\n"
            + "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "\r\n"
            + "Hello Bob,\r\n"
            + "the figures  are attached.   \r\n"
            + "\r\n"
            + "\r\n";

    static PostlineMail mail(String message) throws Exception {
        return new PostlineMail(PostlineMail.newName(), MaybeSender.of(new MailAddress("alice@example.org")),
                List.of(new MailAddress("bob@example.net")),
                SourcedMimeMessage.of(Session.getInstance(new Properties()), message.getBytes(StandardCharsets.UTF_8)));
    }

    private Mailet signer(Map<String, String> params) throws Exception {
        DKIMSign mailet = new DKIMSign();
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("DKIMSign")
                .mailetContext(FakeMailContext.defaultContext());
        params.forEach(config::setProperty);
        mailet.init(config.build());
        return mailet;
    }

    private Mailet signer() throws Exception {
        return signer(Map.of("domain", "example.org", "selector", "s1", "privateKeyFile", keyFile.toString()));
    }

    private DKIMVerify verifier() throws Exception {
        DKIMVerify mailet = new DKIMVerify(dns);
        mailet.init(FakeMailetConfig.builder().mailetName("DKIMVerify").mailetContext(FakeMailContext.defaultContext()).build());
        return mailet;
    }

    private static String text(PostlineMail mail) throws Exception {
        return new String(MailContent.bytes(mail.getMessage()), StandardCharsets.UTF_8);
    }

    @Test
    void aSignatureMadeByPostlineVerifiesWithJdkimAndFailsOnceTheBodyChanges() throws Exception {
        PostlineMail mail = mail(MESSAGE);
        signer().service(mail);
        String signed = text(mail);
        assertThat(signed).startsWith("DKIM-Signature:");
        String field = signed.substring(0, signed.indexOf("\r\nReceived:"));
        assertThat(field).contains("a=rsa-sha256;", "c=relaxed/relaxed;", "d=example.org;", "s=s1;");
        assertThat(field.lines()).allMatch(line -> line.length() <= 78 || line.contains("h=From:"), "folded");
        assertThat(signed).endsWith(MESSAGE.substring(MESSAGE.indexOf("Received:")));
        assertThat(signed.lines()).allMatch(line -> line.length() <= 998);

        List<SignatureRecord> valid = new DKIMVerifier(new DkimKeyRecords(dns))
                .verify(new ByteArrayInputStream(signed.getBytes(StandardCharsets.UTF_8)));
        assertThat(valid).hasSize(1);
        assertThat(valid.get(0).getDToken().toString()).isEqualTo("example.org");

        String tampered = signed.replace("the figures  are attached.", "the figures are NOT attached.");
        DKIMVerifier jdkim = new DKIMVerifier(new DkimKeyRecords(dns));
        assertThatThrownBy(() -> jdkim.verify(new ByteArrayInputStream(tampered.getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("bodyhash");
        assertThat(jdkim.hasAnyValidSignature()).isFalse();
    }

    @Test
    void dkimVerifyRecordsPassForAPostlineSignatureAndFailForATamperedOne() throws Exception {
        PostlineMail mail = mail(MESSAGE);
        signer().service(mail);
        String signed = text(mail);

        PostlineMail received = mail(signed);
        verifier().service(received);
        assertThat(AuthResults.result(received, AuthResults.DKIM)).contains("pass");
        assertThat(AuthResults.clauses(received)).singleElement().asString()
                .startsWith("dkim=pass header.d=example.org header.i=@example.org header.s=s1 header.b=");

        PostlineMail tampered = mail(signed.replace("Hello Bob,", "Hello Eve,"));
        verifier().service(tampered);
        assertThat(AuthResults.result(tampered, AuthResults.DKIM)).contains("fail");
        assertThat(AuthResults.clauses(tampered)).singleElement().asString().startsWith("dkim=fail (");
    }

    @Test
    void relaxedCanonicalisationToleratesRefoldedHeadersAndTrailingBlankLines() throws Exception {
        PostlineMail mail = mail(MESSAGE);
        signer().service(mail);
        String changed = text(mail).replace("Subject: Quarterly   figures", "Subject:   Quarterly\r\n figures")
                .replace("attached.   \r\n\r\n\r\n", "attached.\r\n");
        PostlineMail received = mail(changed);
        verifier().service(received);
        assertThat(AuthResults.result(received, AuthResults.DKIM)).contains("pass");
    }

    @Test
    void unsignedMailIsNoneAMissingKeyFailsAndAFailingDnsIsTemperror() throws Exception {
        PostlineMail unsigned = mail(MESSAGE);
        verifier().service(unsigned);
        assertThat(AuthResults.result(unsigned, AuthResults.DKIM)).contains("none");
        assertThat(AuthResults.clauses(unsigned)).containsExactly("dkim=none (no signatures)");

        PostlineMail signed = mail(MESSAGE);
        signer().service(signed);
        String text = text(signed);

        server.put(DkimKeys.keyName("s1", "example.org"), List.of());
        DnsClient fresh = new DnsClient(new DnsConfig(List.of(server.address()), Duration.ofSeconds(2)));
        DKIMVerify noKey = new DKIMVerify(fresh);
        noKey.init(FakeMailetConfig.builder().mailetName("DKIMVerify").mailetContext(FakeMailContext.defaultContext()).build());
        PostlineMail withoutKey = mail(text);
        noKey.service(withoutKey);
        // jDKIM reports a signature whose key is not published as fail, with the reason
        assertThat(AuthResults.result(withoutKey, AuthResults.DKIM)).contains("fail");
        assertThat(AuthResults.clauses(withoutKey)).singleElement().asString().containsIgnoringCase("key");

        server.fail(DkimKeys.keyName("s1", "example.org"));
        DKIMVerify failing = new DKIMVerify(new DnsClient(new DnsConfig(List.of(server.address()), Duration.ofSeconds(2))));
        failing.init(FakeMailetConfig.builder().mailetName("DKIMVerify").mailetContext(FakeMailContext.defaultContext()).build());
        PostlineMail dnsDown = mail(text);
        failing.service(dnsDown);
        assertThat(AuthResults.result(dnsDown, AuthResults.DKIM)).contains("temperror");
    }

    @Test
    void mailFromAnotherDomainIsNotSigned() throws Exception {
        PostlineMail mail = mail(MESSAGE.replace("alice@example.org", "carol@example.net"));
        signer().service(mail);
        assertThat(text(mail)).doesNotContain("DKIM-Signature");

        PostlineMail sub = mail(MESSAGE.replace("alice@example.org", "alice@lists.example.org"));
        signer().service(sub);
        assertThat(text(sub)).startsWith("DKIM-Signature:");
    }

    @Test
    void aPkcs1KeyWorksToo() throws Exception {
        Path pkcs1 = keys.writePkcs1(dir, "rsa.pem");
        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        PostlineMail mail = mail(MESSAGE);
        signer(Map.of("domain", "example.org", "selector", "s1", "privateKeyFile", pkcs1.toString())).service(mail);
        PostlineMail received = mail(text(mail));
        verifier().service(received);
        assertThat(AuthResults.result(received, AuthResults.DKIM)).contains("pass");
    }

    @Test
    void aMissingWorldReadableOrBrokenKeyFileStopsTheStart() throws Exception {
        Map<String, String> base = Map.of("domain", "example.org", "selector", "s1");
        assertThatThrownBy(() -> signer(with(base, "privateKeyFile", dir.resolve("absent.pem").toString())))
                .isInstanceOf(MailetException.class).hasMessageContaining("does not exist");

        Path open = keys.writePkcs8(dir, "open.pem");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> signer(with(base, "privateKeyFile", open.toString())))
                .isInstanceOf(MailetException.class).hasMessageContaining("readable by every user").hasMessageContaining("chmod 600");

        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "not a key");
        Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> signer(with(base, "privateKeyFile", garbage.toString())))
                .isInstanceOf(MailetException.class).hasMessageContaining("no unencrypted PEM RSA private key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not a key"));

        assertThatThrownBy(() -> signer(Map.of("domain", "example.org", "privateKeyFile", keyFile.toString())))
                .hasMessageContaining("selector is required");
        assertThatThrownBy(() -> signer(with(Map.of("domain", "example.org", "selector", "s1", "privateKeyFile",
                keyFile.toString()), "signedHeaders", "Subject:To")))
                .hasMessageContaining("must include From");
        assertThatThrownBy(() -> signer(with(Map.of("domain", "example.org", "selector", "s1", "privateKeyFile",
                keyFile.toString()), "algorithm", "rsa-sha1")))
                .hasMessageContaining("algorithm");
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        java.util.HashMap<String, String> all = new java.util.HashMap<>(base);
        all.put(key, value);
        return all;
    }

    @Test
    void theSignatureSurvivesTheSpoolCopy() throws Exception {
        PostlineMail mail = mail(MESSAGE);
        signer().service(mail);
        PostlineMail copy = (PostlineMail) mail.duplicate();
        PostlineMail received = mail(text(copy));
        verifier().service(received);
        assertThat(AuthResults.result(received, AuthResults.DKIM)).contains("pass");
        assertThat(Optional.ofNullable(copy.getMessage().getHeader("DKIM-Signature"))).isPresent();
    }
}
