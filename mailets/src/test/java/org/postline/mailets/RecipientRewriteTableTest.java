package org.postline.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postline.api.directory.Rewrite.Kind.ADDRESS;
import static org.postline.api.directory.Rewrite.Kind.CATCH_ALL;
import static org.postline.api.directory.Rewrite.Kind.DOMAIN;

import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailContext.SentMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecipientRewriteTableTest {

    private FakeDirectory directory;
    private FakeMailContext context;

    @BeforeEach
    void setUp() throws Exception {
        directory = new FakeDirectory()
            .domain("example.org", "old.example", "catch.example")
            .user("alice@example.org", "bob@example.org", "carol@example.org", "catcher@example.org",
                "dave@catch.example", "admin@example.org")
            .rule(ADDRESS, "team@example.org", "alice@example.org")
            .rule(ADDRESS, "team@example.org", "bob@example.org")
            .rule(ADDRESS, "fwd@example.org", "someone@remote.net")
            .rule(ADDRESS, "carol@example.org", "carol@example.org")
            .rule(ADDRESS, "carol@example.org", "carol@remote.net")
            .rule(DOMAIN, "old.example", "example.org")
            .rule(ADDRESS, "special@old.example", "carol@example.org")
            .rule(CATCH_ALL, "catch.example", "catcher@example.org")
            .rule(ADDRESS, "loop1@example.org", "loop2@example.org")
            .rule(ADDRESS, "loop2@example.org", "loop1@example.org");
        context = FakeMailContext.builder().postmaster(new MailAddress("admin@example.org")).build();
    }

    private RecipientRewriteTable mailet(String... params) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("RecipientRewriteTable")
            .mailetContext(context);
        for (int i = 0; i < params.length; i += 2) {
            config.setProperty(params[i], params[i + 1]);
        }
        RecipientRewriteTable mailet = new RecipientRewriteTable(directory.rewrites, directory.users, directory.domains);
        mailet.init(config.build());
        return mailet;
    }

    private static FakeMail mail(String... recipients) throws MessagingException {
        return FakeMail.builder().name("m1")
            .mimeMessage(TestMessages.parse(TestMessages.SAMPLE))
            .sender("sender@remote.net")
            .recipients(recipients)
            .state(Mail.TRANSPORT)
            .build();
    }

    private static List<String> recipients(Mail mail) {
        return mail.getRecipients().stream().map(MailAddress::asString).toList();
    }

    private static List<String> recipients(SentMail mail) {
        return mail.getRecipients().stream().map(MailAddress::asString).toList();
    }

    @Test
    void aliasFansOutToEveryLocalTarget() throws Exception {
        FakeMail mail = mail("team@example.org");
        mailet().service(mail);

        assertThat(recipients(mail)).containsExactly("alice@example.org", "bob@example.org");
        assertThat(mail.getState()).isEqualTo(Mail.TRANSPORT);
        assertThat(context.getSentMails()).isEmpty();
    }

    @Test
    void sourcesAreMatchedWithoutRegardToCase() throws Exception {
        FakeMail mail = mail("TEAM@Example.ORG");
        mailet().service(mail);

        assertThat(recipients(mail)).containsExactly("alice@example.org", "bob@example.org");
    }

    @Test
    void forwardToAnExternalAddressGoesInACopyToTransportAndTheOriginalIsGhosted() throws Exception {
        FakeMail mail = mail("fwd@example.org");
        mailet().service(mail);

        assertThat(mail.getRecipients()).isEmpty();
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(context.getSentMails()).hasSize(1);
        SentMail forward = context.getSentMails().get(0);
        assertThat(recipients(forward)).containsExactly("someone@remote.net");
        assertThat(forward.getState()).isEqualTo(Mail.TRANSPORT);
        assertThat(forward.getSender().asString()).isEqualTo("sender@remote.net");
        assertThat(forward.getAttributes()).containsKey(Mail.SENT_BY_MAILET_ATTRIBUTE.getName());
        assertThat(TestMessages.bytes(forward.getMsg())).isEqualTo(TestMessages.SAMPLE);
    }

    @Test
    void forwardProcessorIsConfigurable() throws Exception {
        FakeMail mail = mail("fwd@example.org");
        mailet("forwardProcessor", "outbound").service(mail);

        assertThat(context.getSentMails()).singleElement()
            .satisfies(sent -> assertThat(sent.getState()).isEqualTo("outbound"));
    }

    @Test
    void selfTargetKeepsTheAddressBesideItsForward() throws Exception {
        FakeMail mail = mail("carol@example.org");
        mailet().service(mail);

        assertThat(recipients(mail)).containsExactly("carol@example.org");
        assertThat(context.getSentMails()).singleElement()
            .satisfies(sent -> assertThat(recipients(sent)).containsExactly("carol@remote.net"));
    }

    @Test
    void mixedRecipientsAreDeduplicatedAndForwardsShareOneCopy() throws Exception {
        FakeMail mail = mail("alice@example.org", "team@example.org", "fwd@example.org", "carol@example.org",
            "stranger@remote.net");
        mailet().service(mail);

        assertThat(recipients(mail)).containsExactly("alice@example.org", "bob@example.org", "carol@example.org",
            "stranger@remote.net");
        assertThat(context.getSentMails()).singleElement()
            .satisfies(sent -> assertThat(recipients(sent)).containsExactly("someone@remote.net", "carol@remote.net"));
    }

    @Test
    void mailWithoutApplicableRulesIsLeftAlone() throws Exception {
        FakeMail mail = mail("alice@example.org", "stranger@remote.net");
        mailet().service(mail);

        assertThat(recipients(mail)).containsExactly("alice@example.org", "stranger@remote.net");
        assertThat(mail.getState()).isEqualTo(Mail.TRANSPORT);
        assertThat(context.getSentMails()).isEmpty();
    }

    @Test
    void rerunningOnAForwardedCopyDoesNotForkItAgain() throws Exception {
        directory.rule(ADDRESS, "x@remote.net", "x@remote.net").rule(ADDRESS, "x@remote.net", "y@remote.net");
        FakeMail copy = mail("x@remote.net", "y@remote.net");
        mailet().service(copy);

        assertThat(recipients(copy)).containsExactly("x@remote.net", "y@remote.net");
        assertThat(context.getSentMails()).isEmpty();
    }

    @Test
    void domainAliasMapsTheUserToTheTargetDomain() throws Exception {
        FakeMail mail = mail("alice@old.example", "Bob@OLD.example");
        mailet().service(mail);

        assertThat(recipients(mail)).containsExactlyInAnyOrder("alice@example.org", "Bob@example.org");
        assertThat(context.getSentMails()).isEmpty();
    }

    @Test
    void exactAddressRuleWinsOverTheDomainAlias() throws Exception {
        FakeMail mail = mail("special@old.example");
        mailet().service(mail);

        // not special@example.org; and carol@example.org is itself an alias keeping carol, forwarding to carol@remote.net
        assertThat(recipients(mail)).containsExactly("carol@example.org");
        assertThat(context.getSentMails()).singleElement()
            .satisfies(sent -> assertThat(recipients(sent)).containsExactly("carol@remote.net"));
    }

    @Test
    void catchAllTakesOnlyUnknownUsers() throws Exception {
        FakeMail mail = mail("dave@catch.example", "nobody@catch.example", "other@catch.example");
        mailet().service(mail);

        assertThat(recipients(mail)).containsExactly("dave@catch.example", "catcher@example.org");
    }

    @Test
    void catchAllNeverTakesPostmaster() throws Exception {
        FakeMail mail = mail("postmaster@catch.example");
        mailet().service(mail);

        assertThat(recipients(mail)).containsExactly("postmaster@catch.example");
    }

    @Test
    void catchAllToAnUnknownAddressOfTheSameDomainEndsThereWithoutError() throws Exception {
        directory.rule(CATCH_ALL, "old2.example", "bin@old2.example");
        directory.domain("old2.example");
        FakeMail mail = mail("whoever@old2.example");
        mailet().service(mail);

        assertThat(recipients(mail)).containsExactly("bin@old2.example");
        assertThat(context.getSentMails()).isEmpty();
    }

    @Test
    void loopGoesToRrtErrorWithAnErrorMessageAndTheOthersStay() throws Exception {
        FakeMail mail = mail("loop1@example.org", "alice@example.org");
        mailet().service(mail);

        assertThat(recipients(mail)).containsExactly("alice@example.org");
        assertThat(mail.getState()).isEqualTo(Mail.TRANSPORT);
        assertThat(context.getSentMails()).singleElement().satisfies(sent -> {
            assertThat(sent.getState()).isEqualTo("rrt-error");
            assertThat(recipients(sent)).containsExactly("loop1@example.org");
        });
    }

    @Test
    void errorCopyCarriesTheReasonAndTheConfiguredProcessor() throws Exception {
        RecipientRewriteTable mailet = new RecipientRewriteTable(directory.rewrites, directory.users, directory.domains);
        FakeMail mail = mail("loop2@example.org");
        CapturingContext capturing = new CapturingContext(context);
        mailet.init(FakeMailetConfig.builder().mailetName("rrt").mailetContext(capturing.proxy())
            .setProperty("errorProcessor", "my-rrt-error").build());
        mailet.service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(capturing.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.getState()).isEqualTo("my-rrt-error");
            assertThat(sent.getName()).startsWith("m1-rrt-error-");
            assertThat(sent.getErrorMessage())
                .contains("loop2@example.org -> loop1@example.org -> loop2@example.org").contains("loops");
        });
    }

    @Test
    void forwardedCopyIsMarkedSentByMailet() throws Exception {
        CapturingContext capturing = new CapturingContext(context);
        RecipientRewriteTable mailet = new RecipientRewriteTable(directory.rewrites, directory.users, directory.domains);
        mailet.init(FakeMailetConfig.builder().mailetName("rrt").mailetContext(capturing.proxy()).build());
        FakeMail mail = mail("fwd@example.org");
        mailet.service(mail);

        assertThat(capturing.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.getAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE.getName())).isPresent();
            assertThat(sent.getName()).startsWith("m1-forward-");
        });
    }

    @Test
    void chainOfExactlyTheLimitResolvesAndOneMoreIsAnError() throws Exception {
        for (int i = 0; i < 11; i++) {
            directory.rule(ADDRESS, "c" + i + "@example.org", "c" + (i + 1) + "@example.org");
        }
        directory.user("c10@example.org", "c11@example.org");

        FakeMail withinLimit = mail("c0@example.org");
        directory.rewrites.remove(new org.postline.api.directory.Rewrite(ADDRESS, "c10@example.org", "c11@example.org"));
        mailet().service(withinLimit);
        assertThat(recipients(withinLimit)).containsExactly("c10@example.org");
        assertThat(context.getSentMails()).isEmpty();

        directory.rule(ADDRESS, "c10@example.org", "c11@example.org");
        FakeMail beyondLimit = mail("c0@example.org");
        mailet().service(beyondLimit);
        assertThat(beyondLimit.getRecipients()).isEmpty();
        assertThat(context.getSentMails()).singleElement().satisfies(sent -> {
            assertThat(sent.getState()).isEqualTo("rrt-error");
            assertThat(recipients(sent)).containsExactly("c0@example.org");
        });
    }

    @Test
    void mappingLimitIsConfigurable() throws Exception {
        directory.rule(ADDRESS, "a@example.org", "b@example.org").rule(ADDRESS, "b@example.org", "c@example.org")
            .rule(ADDRESS, "c@example.org", "alice@example.org");

        FakeMail tooDeep = mail("a@example.org");
        mailet("mappingLimit", "2").service(tooDeep);
        assertThat(context.getSentMails()).singleElement()
            .satisfies(sent -> assertThat(sent.getState()).isEqualTo("rrt-error"));

        context.resetSentMails();
        FakeMail deepEnough = mail("a@example.org");
        mailet("mappingLimit", "3").service(deepEnough);
        assertThat(recipients(deepEnough)).containsExactly("alice@example.org");
        assertThat(context.getSentMails()).isEmpty();
    }

    @Test
    void malformedRuleTargetIsAnErrorForThatRecipientOnly() throws Exception {
        directory.rule(ADDRESS, "broken@example.org", "not an address");
        FakeMail mail = mail("broken@example.org", "bob@example.org");
        mailet().service(mail);

        assertThat(recipients(mail)).containsExactly("bob@example.org");
        assertThat(context.getSentMails()).singleElement()
            .satisfies(sent -> assertThat(recipients(sent)).containsExactly("broken@example.org"));
    }

    @Test
    void diamondFanOutIsNotALoop() throws Exception {
        directory.rule(ADDRESS, "d@example.org", "e@example.org").rule(ADDRESS, "d@example.org", "f@example.org")
            .rule(ADDRESS, "e@example.org", "alice@example.org").rule(ADDRESS, "f@example.org", "alice@example.org");
        FakeMail mail = mail("d@example.org");
        mailet().service(mail);

        assertThat(recipients(mail)).containsExactly("alice@example.org");
        assertThat(context.getSentMails()).isEmpty();
    }

    @Test
    void initRejectsBadParameters() {
        assertThatThrownBy(() -> mailet("mappingLimit", "0")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("mappingLimit");
        assertThatThrownBy(() -> mailet("mappingLimit", "ten")).isInstanceOf(MessagingException.class);
        assertThatThrownBy(() -> mailet("errorprocessor", "x")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("errorprocessor");
    }

    @Test
    void declaresTheProcessorsItSendsTo() throws Exception {
        assertThat(mailet().requiredProcessingState())
            .containsExactly(new ProcessingState("rrt-error"), new ProcessingState("transport"));
        assertThat(mailet("errorProcessor", "e", "forwardProcessor", "f").requiredProcessingState())
            .containsExactly(new ProcessingState("e"), new ProcessingState("f"));
    }
}
