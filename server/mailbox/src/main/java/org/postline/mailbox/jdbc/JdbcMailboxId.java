package org.postline.mailbox.jdbc;

import org.apache.james.mailbox.model.MailboxId;

/** A mailbox's database key. */
public record JdbcMailboxId(long value) implements MailboxId {

    public static final class Factory implements MailboxId.Factory {
        @Override
        public MailboxId fromString(String serialized) {
            return new JdbcMailboxId(Long.parseLong(serialized));
        }
    }

    public static JdbcMailboxId of(MailboxId id) {
        if (id instanceof JdbcMailboxId jdbcId) {
            return jdbcId;
        }
        throw new IllegalArgumentException("Not a Postline mailbox id: " + id);
    }

    @Override
    public String serialize() {
        return Long.toString(value);
    }

    @Override
    public String toString() {
        return serialize();
    }
}
