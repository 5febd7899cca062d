package org.postline.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postline.api.directory.Rewrite.Kind.ADDRESS;
import static org.postline.api.directory.Rewrite.Kind.DOMAIN;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.inmemory.manager.InMemoryIntegrationResources;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

/** The transport-processor order in miniature: RecipientRewriteTable, then LocalDelivery on what stays local. */
class RewriteThenDeliverTest {

    @Test
    void aliasAndDomainAliasRecipientsLandInTheRightInboxesAndForwardsLeave() throws Exception {
        FakeDirectory directory = new FakeDirectory().domain("example.org", "old.example")
            .user("alice@example.org", "bob@example.org", "admin@example.org")
            .rule(ADDRESS, "team@example.org", "alice@example.org")
            .rule(ADDRESS, "team@example.org", "bob@example.org")
            .rule(ADDRESS, "team@example.org", "partner@remote.net")
            .rule(DOMAIN, "old.example", "example.org");
        MailboxManager mailboxes = InMemoryIntegrationResources.defaultResources().getMailboxManager();
        FakeMailContext context = FakeMailContext.builder().postmaster(new MailAddress("admin@example.org")).build();

        RecipientRewriteTable rewrite = new RecipientRewriteTable(directory.rewrites, directory.users, directory.domains);
        rewrite.init(FakeMailetConfig.builder().mailetName("RecipientRewriteTable").mailetContext(context).build());
        LocalDelivery delivery = new LocalDelivery(mailboxes, directory.users, directory.domains);
        delivery.init(FakeMailetConfig.builder().mailetName("LocalDelivery").mailetContext(context).build());

        FakeMail mail = FakeMail.builder().name("m1").mimeMessage(TestMessages.parse(TestMessages.SAMPLE))
            .sender("sender@remote.net").recipients("team@example.org", "bob@old.example").state(Mail.TRANSPORT).build();
        rewrite.service(mail);
        delivery.service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(messageCount(mailboxes, "alice@example.org")).isEqualTo(1);
        // bob is reached twice (alias and domain alias) yet is one recipient of the mail: one copy.
        assertThat(messageCount(mailboxes, "bob@example.org")).isEqualTo(1);
        assertThat(context.getSentMails()).singleElement().satisfies(sent -> {
            assertThat(sent.getState()).isEqualTo(Mail.TRANSPORT);
            assertThat(sent.getRecipients()).extracting(MailAddress::asString).containsExactly("partner@remote.net");
        });
    }

    private static long messageCount(MailboxManager mailboxes, String user) throws Exception {
        MailboxSession session = mailboxes.createSystemSession(Username.of(user));
        return mailboxes.getMailbox(MailboxPath.inbox(session), session).getMessageCount(session);
    }
}
