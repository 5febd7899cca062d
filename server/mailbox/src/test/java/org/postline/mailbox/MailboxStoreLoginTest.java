package org.postline.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.BadCredentialsException;
import org.apache.james.mailbox.exception.ForbiddenDelegationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postline.mailbox.jdbc.TestDatabase;

/** Logins go through Postline's Users and always open the canonical user's mailboxes. */
class MailboxStoreLoginTest {

    private static TestDatabase database;
    private StoreFixture fixture;

    @BeforeAll
    static void openDatabase() throws Exception {
        database = TestDatabase.create();
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        database.close();
    }

    @BeforeEach
    void openStore() throws Exception {
        fixture = new StoreFixture(database);
        fixture.users.add("alice@example.org", "secret".toCharArray());
        fixture.users.add("bob@example.org", "other".toCharArray());
    }

    @AfterEach
    void closeStore() {
        fixture.close();
    }

    @Test
    void bareOrMixedCaseLoginOpensTheCanonicalUser() throws Exception {
        MailboxSession bare = fixture.store.mailboxManager().authenticate(Username.of("alice"), "secret")
            .withoutDelegation();
        MailboxSession mixed = fixture.store.mailboxManager().authenticate(Username.of("Alice@Example.org"), "secret")
            .withoutDelegation();

        assertThat(bare.getUser()).isEqualTo(Username.of("alice@example.org"));
        assertThat(mixed.getUser()).isEqualTo(Username.of("alice@example.org"));
    }

    @Test
    void wrongPasswordOrUnknownUserIsRefused() {
        assertThatThrownBy(() -> fixture.store.mailboxManager().authenticate(Username.of("alice"), "wrong")
            .withoutDelegation()).isInstanceOf(BadCredentialsException.class);
        assertThatThrownBy(() -> fixture.store.mailboxManager().authenticate(Username.of("nobody"), "secret")
            .withoutDelegation()).isInstanceOf(BadCredentialsException.class);
    }

    @Test
    void delegationToAnotherUserIsForbidden() {
        assertThatThrownBy(() -> fixture.store.mailboxManager().authenticate(Username.of("alice"), "secret")
            .as(Username.of("bob@example.org"))).isInstanceOf(ForbiddenDelegationException.class);
    }
}
