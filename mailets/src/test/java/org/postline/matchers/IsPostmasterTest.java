package org.postline.matchers;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.core.MailAddress;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.postline.mailets.FakeDirectory;

class IsPostmasterTest {

    @Test
    void matchesPostmasterOfLocalDomainsAndTheConfiguredPostmaster() throws Exception {
        FakeDirectory directory = new FakeDirectory().domain("example.org", "other.org").user("alice@example.org");
        IsPostmaster matcher = new IsPostmaster(directory.users, directory.domains);
        matcher.init(FakeMatcherConfig.builder().matcherName("IsPostmaster")
            .mailetContext(FakeMailContext.builder().postmaster(new MailAddress("boss@example.org")).build()).build());

        FakeMail mail = FakeMail.builder().name("m").recipients("postmaster@example.org", "POSTMASTER@other.org",
            "boss@example.org", "postmaster@remote.net", "alice@example.org", "postmasters@example.org").build();

        assertThat(matcher.match(mail)).extracting(MailAddress::asString)
            .containsExactly("postmaster@example.org", "POSTMASTER@other.org", "boss@example.org");
    }
}
