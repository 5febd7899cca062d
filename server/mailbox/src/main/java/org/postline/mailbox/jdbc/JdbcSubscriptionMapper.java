package org.postline.mailbox.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.SubscriptionException;
import org.apache.james.mailbox.store.user.SubscriptionMapper;
import org.apache.james.mailbox.store.user.model.Subscription;

/** IMAP subscriptions (LSUB) over JDBC: a set of mailbox names per user. */
final class JdbcSubscriptionMapper implements SubscriptionMapper {

    private final Database database;

    JdbcSubscriptionMapper(Database database) {
        this.database = database;
    }

    @Override
    public void save(Subscription subscription) throws SubscriptionException {
        run(() -> database.execute(connection -> {
            try {
                Database.update(connection, "INSERT INTO mbx_subscription (user_name, mailbox_name) VALUES (?, ?)",
                    subscription.getUser().asString(), subscription.getMailbox());
            } catch (SQLException e) {
                if (!Database.isUniqueViolation(e)) {
                    throw e;
                }
                connection.rollback(); // already subscribed; PostgreSQL needs the failed statement undone
            }
        }));
    }

    @Override
    public List<Subscription> findSubscriptionsForUser(Username user) throws SubscriptionException {
        List<Subscription> found = new ArrayList<>();
        run(() -> database.execute(connection -> {
            found.clear();
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT mailbox_name FROM mbx_subscription WHERE user_name = ? ORDER BY mailbox_name")) {
                statement.setString(1, user.asString());
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        found.add(new Subscription(user, result.getString(1)));
                    }
                }
            }
        }));
        return found;
    }

    @Override
    public void delete(Subscription subscription) throws SubscriptionException {
        run(() -> database.execute(connection -> Database.update(connection,
            "DELETE FROM mbx_subscription WHERE user_name = ? AND mailbox_name = ?",
            subscription.getUser().asString(), subscription.getMailbox())));
    }

    private interface Action {
        void run() throws MailboxException;
    }

    private static void run(Action action) throws SubscriptionException {
        try {
            action.run();
        } catch (MailboxException e) {
            throw new SubscriptionException(e);
        }
    }
}
