package org.postline.mailbox.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

import org.apache.james.mailbox.model.MailboxAnnotation;
import org.apache.james.mailbox.model.MailboxAnnotationKey;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.AnnotationMapper;

import com.google.common.base.Preconditions;

/**
 * Mailbox annotations (RFC 5464 METADATA) over JDBC. Keys are stored lower-cased, as James compares them;
 * a mailbox has few annotations, so depth filtering is done in Java over the mailbox's set.
 */
final class JdbcAnnotationMapper implements AnnotationMapper {

    private final Database database;

    JdbcAnnotationMapper(Database database) {
        this.database = database;
    }

    @Override
    public List<MailboxAnnotation> getAllAnnotations(MailboxId mailboxId) {
        return database.inTransactionUnchecked(connection -> {
            List<MailboxAnnotation> annotations = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT annotation_key, annotation_value FROM mbx_annotation WHERE mailbox_id = ?")) {
                statement.setLong(1, id(mailboxId));
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        annotations.add(MailboxAnnotation.newInstance(new MailboxAnnotationKey(result.getString(1)),
                            result.getString(2)));
                    }
                }
            }
            return annotations;
        });
    }

    @Override
    public List<MailboxAnnotation> getAnnotationsByKeys(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
        return filter(mailboxId, keys, MailboxAnnotationKey::equals);
    }

    @Override
    public List<MailboxAnnotation> getAnnotationsByKeysWithOneDepth(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
        return filter(mailboxId, keys, MailboxAnnotationKey::isParentOrIsEqual);
    }

    @Override
    public List<MailboxAnnotation> getAnnotationsByKeysWithAllDepth(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
        return filter(mailboxId, keys, MailboxAnnotationKey::isAncestorOrIsEqual);
    }

    @Override
    public void deleteAnnotation(MailboxId mailboxId, MailboxAnnotationKey key) {
        database.inTransactionUnchecked(connection -> Database.update(connection,
            "DELETE FROM mbx_annotation WHERE mailbox_id = ? AND annotation_key = ?", id(mailboxId), key.asString()));
    }

    @Override
    public void insertAnnotation(MailboxId mailboxId, MailboxAnnotation annotation) {
        Preconditions.checkArgument(!annotation.isNil(), "An annotation to store needs a value");
        String value = annotation.getValue().orElseThrow();
        database.inTransactionUnchecked(connection -> {
            int updated = Database.update(connection, "UPDATE mbx_annotation SET annotation_value = ?"
                + " WHERE mailbox_id = ? AND annotation_key = ?", value, id(mailboxId), annotation.getKey().asString());
            if (updated == 0) {
                try {
                    Database.update(connection, "INSERT INTO mbx_annotation (mailbox_id, annotation_key, annotation_value)"
                        + " VALUES (?, ?, ?)", id(mailboxId), annotation.getKey().asString(), value);
                } catch (java.sql.SQLException e) {
                    if (Database.isUniqueViolation(e)) {
                        throw new Database.RetryTransaction(e);
                    }
                    throw e;
                }
            }
            return null;
        });
    }

    @Override
    public boolean exist(MailboxId mailboxId, MailboxAnnotation annotation) {
        return getAnnotationsByKeys(mailboxId, Set.of(annotation.getKey())).size() > 0;
    }

    @Override
    public int countAnnotations(MailboxId mailboxId) {
        return getAllAnnotations(mailboxId).size();
    }

    private List<MailboxAnnotation> filter(MailboxId mailboxId, Set<MailboxAnnotationKey> keys,
                                           BiPredicate<MailboxAnnotationKey, MailboxAnnotationKey> requestedCovers) {
        if (keys.isEmpty()) {
            return List.of();
        }
        return getAllAnnotations(mailboxId).stream()
            .filter(annotation -> keys.stream().anyMatch(key -> requestedCovers.test(key, annotation.getKey())))
            .toList();
    }

    private static long id(MailboxId mailboxId) {
        return JdbcMailboxId.of(mailboxId).value();
    }
}
