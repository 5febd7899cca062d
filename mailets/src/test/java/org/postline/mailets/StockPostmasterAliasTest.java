package org.postline.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.core.MailAddress;
import org.apache.james.transport.mailets.PostmasterAlias;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

/**
 * Postline's default pipeline uses apache-mailet-standard's PostmasterAlias (RFC 5321 section 4.5.1) rather than a
 * copy of its own. This pins the behaviour we rely on, given a MailetContext whose isLocalServer is "a local domain"
 * and isLocalEmail is "a user".
 */
class StockPostmasterAliasTest {

    @Test
    void postmasterOfEveryLocalDomainWithoutAnAccountGoesToTheConfiguredPostmaster() throws Exception {
        FakeDirectory directory = new FakeDirectory().domain("example.org", "other.org", "third.org")
            .user("admin@example.org", "postmaster@third.org", "alice@example.org");
        CapturingContext context = new CapturingContext(
            FakeMailContext.builder().postmaster(new MailAddress("admin@example.org")).build()).withDirectory(directory);
        PostmasterAlias mailet = new PostmasterAlias();
        mailet.init(FakeMailetConfig.builder().mailetName("PostmasterAlias").mailetContext(context.proxy()).build());

        FakeMail mail = FakeMail.builder().name("m").recipients("postmaster@example.org", "PostMaster@other.org",
            "postmaster@third.org", "postmaster@remote.net", "alice@example.org").build();
        mailet.service(mail);

        assertThat(mail.getRecipients()).extracting(MailAddress::asString).containsExactlyInAnyOrder(
            "admin@example.org", "postmaster@third.org", "postmaster@remote.net", "alice@example.org");
    }
}
