package org.postline.mailbox;

import java.util.Arrays;
import java.util.Optional;

import org.apache.james.core.Username;
import org.apache.james.mailbox.Authenticator;
import org.apache.james.mailbox.Authorizator;
import org.postline.api.directory.Users;

/**
 * Logins checked against Postline's {@link Users}. Mailboxes belong to the canonical address, so a
 * session is only ever opened for the canonical name; delegation (logging in as someone else) is refused.
 */
final class UserLogins implements Authenticator, Authorizator {

    private final Users users;

    UserLogins(Users users) {
        this.users = users;
    }

    /** The canonical address if the password matches; the password copy is wiped afterwards. */
    Optional<Username> canonicalLogin(String login, CharSequence password) {
        char[] secret = toChars(password);
        try {
            return users.authenticate(login, secret).map(Username::of);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /** Only canonical names are authentic here: anything else would open a second set of mailboxes. */
    @Override
    public boolean isAuthentic(Username userid, CharSequence password) {
        return canonicalLogin(userid.asString(), password)
            .map(canonical -> canonical.equals(userid))
            .orElse(false);
    }

    /** Acting as oneself is not delegation; acting as anyone else is refused. */
    @Override
    public AuthorizationState canLoginAsOtherUser(Username userId, Username otherUserId) {
        return userId.equals(otherUserId) ? AuthorizationState.ALLOWED : AuthorizationState.FORBIDDEN;
    }

    private static char[] toChars(CharSequence password) {
        char[] chars = new char[password == null ? 0 : password.length()];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = password.charAt(i);
        }
        return chars;
    }
}
