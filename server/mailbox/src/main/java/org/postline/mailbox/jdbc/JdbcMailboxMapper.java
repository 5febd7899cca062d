package org.postline.mailbox.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.apache.james.core.Username;
import org.apache.james.mailbox.acl.ACLDiff;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.mailbox.store.mail.MailboxMapper;

import com.google.common.base.Preconditions;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Mailboxes and their ACLs over JDBC; blocking work runs on Reactor's bounded-elastic scheduler. The instance
 * for delivery sessions finds mailboxes by path in {@link DeliveryMailboxes} first; every instance keeps that
 * up to date with its own changes.
 */
final class JdbcMailboxMapper implements MailboxMapper {

    private static final String NO_OWNER = "";
    private static final String SELECT = "SELECT m.id, m.namespace_name, m.owner_name, m.mailbox_name, m.uid_validity,"
        + " a.entry_key, a.rights FROM mbx_mailbox m LEFT JOIN mbx_acl a ON a.mailbox_id = m.id";

    private final Database database;
    private final BlobRefs blobs;
    private final DeliveryMailboxes delivery;
    private final boolean forDelivery;

    JdbcMailboxMapper(Database database, BlobRefs blobs, DeliveryMailboxes delivery, boolean forDelivery) {
        this.database = database;
        this.blobs = blobs;
        this.delivery = delivery;
        this.forDelivery = forDelivery;
    }

    @Override
    public Mono<Mailbox> create(MailboxPath path, UidValidity uidValidity) {
        return blocking(() -> database.inTransaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO mbx_mailbox (namespace_name,"
                    + " owner_name, mailbox_name, uid_validity, last_uid, highest_modseq) VALUES (?, ?, ?, ?, 0, 0)",
                    Statement.RETURN_GENERATED_KEYS)) {
                Database.bind(statement, path.getNamespace(), owner(path.getUser()), path.getName(), uidValidity.asLong());
                statement.executeUpdate();
                delivery.forget(path);
                try (ResultSet keys = statement.getGeneratedKeys()) {
                    keys.next();
                    return new Mailbox(path, uidValidity, new JdbcMailboxId(keys.getLong(1)));
                }
            } catch (SQLException e) {
                if (Database.isUniqueViolation(e)) {
                    throw new MailboxExistsException(path.asString());
                }
                throw e;
            }
        }));
    }

    @Override
    public Mono<MailboxId> rename(Mailbox mailbox) {
        MailboxId mailboxId = Preconditions.checkNotNull(mailbox.getMailboxId(),
            "A mailbox we want to rename should have a defined mailboxId");
        MailboxPath path = mailbox.generateAssociatedPath();
        long id = JdbcMailboxId.of(mailboxId).value();
        return blocking(() -> database.inTransaction(connection -> {
            if (selectOne(connection, "m.namespace_name = ? AND m.owner_name = ? AND m.mailbox_name = ?",
                    path.getNamespace(), owner(path.getUser()), path.getName()) != null) {
                throw new MailboxExistsException(path.asString());
            }
            try {
                if (Database.update(connection, "UPDATE mbx_mailbox SET namespace_name = ?, owner_name = ?, mailbox_name = ?"
                        + " WHERE id = ?", path.getNamespace(), owner(path.getUser()), path.getName(), id) == 0) {
                    throw new MailboxNotFoundException(mailboxId);
                }
            } catch (SQLException e) {
                if (Database.isUniqueViolation(e)) {
                    throw new MailboxExistsException(path.asString());
                }
                throw e;
            }
            delivery.forget(mailboxId);
            delivery.forget(path);
            return mailboxId;
        }));
    }

    @Override
    public Mono<Void> delete(Mailbox mailbox) {
        long id = JdbcMailboxId.of(mailbox.getMailboxId()).value();
        return blocking(() -> {
            List<String> unreferenced = database.inTransaction(connection -> {
                // Mailbox row first, as every other writer does, so a concurrent append cannot deadlock with us.
                if (Database.update(connection, "UPDATE mbx_mailbox SET uid_validity = uid_validity WHERE id = ?", id) == 0) {
                    return List.<String>of();
                }
                Map<String, Long> bodies = new HashMap<>();
                try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT body_hash, COUNT(*) FROM mbx_message WHERE mailbox_id = ? GROUP BY body_hash")) {
                    statement.setLong(1, id);
                    try (ResultSet result = statement.executeQuery()) {
                        while (result.next()) {
                            bodies.put(result.getString(1), result.getLong(2));
                        }
                    }
                }
                Database.update(connection, "DELETE FROM mbx_message WHERE mailbox_id = ?", id);
                Database.update(connection, "DELETE FROM mbx_annotation WHERE mailbox_id = ?", id);
                Database.update(connection, "DELETE FROM mbx_mailbox WHERE id = ?", id);
                return blobs.release(connection, bodies);
            });
            delivery.forget(mailbox.getMailboxId());
            blobs.collect(database, unreferenced);
            return null;
        }).then();
    }

    @Override
    public Mono<Mailbox> findMailboxByPath(MailboxPath path) {
        if (forDelivery) {
            Optional<Mailbox> known = delivery.find(path);
            if (known.isPresent()) {
                return Mono.just(known.get());
            }
        }
        Mono<Mailbox> found = blocking(() -> database.inTransaction(connection -> selectOne(connection,
            "m.namespace_name = ? AND m.owner_name = ? AND m.mailbox_name = ?",
            path.getNamespace(), owner(path.getUser()), path.getName())));
        return forDelivery ? found.map(delivery::remember) : found;
    }

    @Override
    public Mono<Mailbox> findMailboxById(MailboxId mailboxId) {
        long id = JdbcMailboxId.of(mailboxId).value();
        return blocking(() -> database.inTransaction(connection -> selectOne(connection, "m.id = ?", id)))
            .switchIfEmpty(Mono.error(() -> new MailboxNotFoundException(mailboxId)));
    }

    @Override
    public Flux<Mailbox> findNonPersonalMailboxes(Username userName, MailboxACL.Right right) {
        MailboxACL.EntryKey key = MailboxACL.EntryKey.createUserEntryKey(userName);
        return blockingMany(() -> database.inTransaction(connection -> select(connection,
            "m.id IN (SELECT mailbox_id FROM mbx_acl WHERE entry_key = ?)", key.serialize())))
            .filter(mailbox -> {
                MailboxACL.Rfc4314Rights rights = mailbox.getACL().getEntries().get(key);
                return rights != null && rights.contains(right);
            });
    }

    @Override
    public Flux<Mailbox> findMailboxWithPathLike(MailboxQuery.UserBound query) {
        return blockingMany(() -> database.inTransaction(connection -> select(connection,
            "m.namespace_name = ? AND m.owner_name = ?", query.getFixedNamespace(), owner(query.getFixedUser()))))
            .filter(query::matches);
    }

    @Override
    public Mono<Boolean> hasChildren(Mailbox mailbox, char delimiter) {
        String prefix = escapeLike(mailbox.getName() + delimiter) + "%";
        return blocking(() -> database.inTransaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM mbx_mailbox"
                    + " WHERE namespace_name = ? AND owner_name = ? AND mailbox_name LIKE ? ESCAPE '\\'")) {
                Database.bind(statement, mailbox.getNamespace(), owner(mailbox.getUser()), prefix);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    return result.getLong(1) > 0;
                }
            }
        }));
    }

    @Override
    public Mono<ACLDiff> updateACL(Mailbox mailbox, MailboxACL.ACLCommand command) {
        return changeACL(mailbox, stored -> stored.apply(command));
    }

    @Override
    public Mono<ACLDiff> setACL(Mailbox mailbox, MailboxACL acl) {
        return changeACL(mailbox, stored -> acl);
    }

    @Override
    public Flux<Mailbox> list() {
        return blockingMany(() -> database.inTransaction(connection -> select(connection, "1 = 1")));
    }

    private interface AclChange {
        MailboxACL apply(MailboxACL stored) throws MailboxException;
    }

    private Mono<ACLDiff> changeACL(Mailbox mailbox, AclChange change) {
        long id = JdbcMailboxId.of(mailbox.getMailboxId()).value();
        return blocking(() -> database.inTransaction(connection -> {
            // A no-op update takes the row lock, so concurrent ACL changes apply one after the other.
            if (Database.update(connection, "UPDATE mbx_mailbox SET uid_validity = uid_validity WHERE id = ?", id) == 0) {
                throw new MailboxNotFoundException(mailbox.getMailboxId());
            }
            MailboxACL before = selectOne(connection, "m.id = ?", id).getACL();
            MailboxACL after = change.apply(before);
            Database.update(connection, "DELETE FROM mbx_acl WHERE mailbox_id = ?", id);
            try (PreparedStatement statement = connection.prepareStatement(
                    "INSERT INTO mbx_acl (mailbox_id, entry_key, rights) VALUES (?, ?, ?)")) {
                for (Map.Entry<MailboxACL.EntryKey, MailboxACL.Rfc4314Rights> entry : after.getEntries().entrySet()) {
                    Database.bind(statement, id, entry.getKey().serialize(), entry.getValue().serialize());
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            mailbox.setACL(after);
            delivery.forget(mailbox.getMailboxId());
            return ACLDiff.computeDiff(before, after);
        }));
    }

    private static List<Mailbox> select(Connection connection, String where, Object... parameters)
            throws SQLException, MailboxException {
        return rows(connection, where + " ORDER BY m.id", parameters);
    }

    /** One mailbox by a unique key: no ORDER BY, as Derby's sort, even of a few rows, costs more than the lookup. */
    private static Mailbox selectOne(Connection connection, String where, Object... parameters)
            throws SQLException, MailboxException {
        return first(rows(connection, where, parameters));
    }

    private static List<Mailbox> rows(Connection connection, String whereAndOrder, Object... parameters)
            throws SQLException, MailboxException {
        Map<Long, Mailbox> mailboxes = new LinkedHashMap<>();
        Map<Long, Map<MailboxACL.EntryKey, MailboxACL.Rfc4314Rights>> acls = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(SELECT + " WHERE " + whereAndOrder)) {
            Database.bind(statement, parameters);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    long id = result.getLong(1);
                    if (!mailboxes.containsKey(id)) {
                        mailboxes.put(id, toMailbox(result));
                    }
                    String entryKey = result.getString(6);
                    if (entryKey != null) {
                        acls.computeIfAbsent(id, key -> new LinkedHashMap<>())
                            .put(MailboxACL.EntryKey.deserialize(entryKey),
                                MailboxACL.Rfc4314Rights.deserialize(result.getString(7)));
                    }
                }
            }
        }
        acls.forEach((id, entries) -> mailboxes.get(id).setACL(new MailboxACL(entries)));
        return new ArrayList<>(mailboxes.values());
    }

    private static Mailbox toMailbox(ResultSet result) throws SQLException {
        String owner = result.getString(3);
        MailboxPath path = new MailboxPath(result.getString(2), owner.isEmpty() ? null : Username.of(owner),
            result.getString(4));
        return new Mailbox(path, UidValidity.of(result.getLong(5)), new JdbcMailboxId(result.getLong(1)));
    }

    private static Mailbox first(List<Mailbox> mailboxes) {
        return mailboxes.isEmpty() ? null : mailboxes.get(0);
    }

    private static String owner(Username user) {
        return user == null ? NO_OWNER : user.asString();
    }

    private static String escapeLike(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    private static <T> Flux<T> blockingMany(Callable<List<T>> work) {
        return blocking(work).flatMapIterable(list -> list);
    }
}
