package org.postline.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postline.api.directory.Rewrite.Kind.ADDRESS;
import static org.postline.api.directory.Rewrite.Kind.CATCH_ALL;
import static org.postline.api.directory.Rewrite.Kind.DOMAIN;

import java.util.Collection;

import org.apache.james.core.MailAddress;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postline.mailets.FakeDirectory;

class RecipientIsUnknownLocalTest {

    private FakeDirectory directory;
    private RecipientIsUnknownLocal matcher;

    @BeforeEach
    void setUp() throws Exception {
        directory = new FakeDirectory()
            .domain("example.org", "old.example", "catch.example")
            .user("alice@example.org", "admin@example.org")
            .rule(ADDRESS, "team@example.org", "alice@example.org")
            .rule(ADDRESS, "keep@example.org", "keep@example.org")
            .rule(DOMAIN, "old.example", "example.org")
            .rule(CATCH_ALL, "catch.example", "bin@catch.example");
        matcher = new RecipientIsUnknownLocal(directory.users, directory.domains, directory.rewrites);
        matcher.init(FakeMatcherConfig.builder().matcherName("RecipientIsUnknownLocal")
            .mailetContext(FakeMailContext.builder().postmaster(new MailAddress("pm@example.org")).build()).build());
    }

    private Collection<String> match(String... recipients) throws Exception {
        return matcher.match(FakeMail.builder().name("m").recipients(recipients).build())
            .stream().map(MailAddress::asString).toList();
    }

    @Test
    void matchesOnlyUnknownRecipientsOfLocalDomains() throws Exception {
        assertThat(match("nobody@example.org", "alice@example.org", "ALICE@example.org", "stranger@remote.net"))
            .containsExactly("nobody@example.org");
    }

    @Test
    void postmastersAreNeverUnknown() throws Exception {
        assertThat(match("postmaster@example.org", "Postmaster@old.example", "pm@example.org")).isEmpty();
    }

    @Test
    void addressesARuleWouldRewriteAreNotUnknown() throws Exception {
        assertThat(match("team@example.org", "anyone@old.example", "anyone@catch.example")).isEmpty();
    }

    @Test
    void aRuleThatOnlyMapsAnAddressToItselfDoesNotMakeItKnown() throws Exception {
        assertThat(match("keep@example.org", "bin@catch.example")).containsExactly("keep@example.org", "bin@catch.example");
    }

    @Test
    void noMatchGivesAnEmptyCollection() throws Exception {
        assertThat(match("alice@example.org")).isEmpty();
    }
}
