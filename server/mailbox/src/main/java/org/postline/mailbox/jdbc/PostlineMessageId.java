package org.postline.mailbox.jdbc;

import java.util.UUID;

import org.apache.james.mailbox.model.MessageId;

/**
 * Identifies one stored message across mailboxes (a copy keeps the id). Random, so it can be made
 * before the message reaches the database.
 */
public record PostlineMessageId(UUID value) implements MessageId {

    public static final class Factory implements MessageId.Factory {
        @Override
        public MessageId fromString(String serialized) {
            return new PostlineMessageId(UUID.fromString(serialized));
        }

        @Override
        public MessageId generate() {
            return new PostlineMessageId(UUID.randomUUID());
        }
    }

    @Override
    public String serialize() {
        return value.toString();
    }

    @Override
    public boolean isSerializable() {
        return true;
    }

    @Override
    public String toString() {
        return serialize();
    }
}
