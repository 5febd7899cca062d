package org.postline.mailbox.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import javax.mail.Flags;
import javax.mail.Flags.Flag;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.mail.MessageMapper.FetchType;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;

/** SQL for message rows and their keywords, shared by the message mappers. */
final class MessageTable {

    /**
     * What a message brings to the store, read before the transaction starts. {@code bodySource} is null
     * when the body is one the store already holds (a copy of a stored message).
     */
    record Incoming(byte[] header, String bodyHash, long bodySize, BlobFiles.Source bodySource) {
        long fullSize() {
            return header.length + bodySize;
        }
    }

    private static final String READ_COLUMNS = "mailbox_id, uid, message_id, thread_id, modseq, internal_date,"
        + " save_date, full_size, body_start, text_lines, answered, deleted, draft, flagged, recent, seen, body_hash, body_id";
    private static final String COLUMNS = "mailbox_id, uid, message_id, thread_id, modseq, internal_date, save_date,"
        + " full_size, body_start, text_lines, answered, deleted, draft, flagged, recent, seen, body_hash, properties,"
        + " body_id";

    private static final int IN_LIST_CHUNK = 200;
    /** Bodies read with their rows in one full-content read hold at most this many bytes in memory. */
    private static final long BATCH_BODY_BYTES = 8L << 20;

    private final Database database;
    private final BlobRefs blobs;
    private final MessageId.Factory messageIds;

    MessageTable(Database database, BlobRefs blobs, MessageId.Factory messageIds) {
        this.database = database;
        this.blobs = blobs;
        this.messageIds = messageIds;
    }

    Database database() {
        return database;
    }

    BlobRefs blobs() {
        return blobs;
    }

    /** Reads the header and hashes the body outside any transaction (bodies can be large). */
    Incoming read(MailboxMessage message) throws MailboxException {
        try {
            if (message instanceof StoredMessage stored) {
                return new Incoming(stored.headerBytes(), stored.bodyHash(), stored.getBodyOctets(), null);
            }
            byte[] header;
            try (InputStream in = message.getHeaderContent()) {
                header = in.readAllBytes();
            }
            BlobFiles.Source body = message::getBodyContent;
            BlobFiles.Digest digest = BlobFiles.digest(body);
            return new Incoming(header, digest.hash(), digest.size(), body);
        } catch (IOException e) {
            throw new MailboxException("Could not read message content", e);
        }
    }

    /** Inserts the row and its keywords and takes a reference on the body (storing it if new). */
    void insert(Connection connection, long mailboxId, MessageUid uid, ModSeq modSeq, MailboxMessage message,
                Incoming incoming, Flags flags, Date saveDate) throws SQLException, MailboxException {
        long bodyId = incoming.bodySource() == null
            ? blobs.acquireExisting(connection, incoming.bodyHash())
            : blobs.acquire(connection, new BlobFiles.Digest(incoming.bodyHash(), incoming.bodySize()), incoming.bodySource());
        String sql = "INSERT INTO mbx_message (" + COLUMNS + ", header_bytes, subject_key)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, mailboxId);
            statement.setLong(2, uid.asLong());
            statement.setString(3, message.getMessageId().serialize());
            statement.setString(4, message.getThreadId().serialize());
            statement.setLong(5, modSeq.asLong());
            statement.setLong(6, message.getInternalDate().getTime());
            statement.setLong(7, saveDate.getTime());
            statement.setLong(8, incoming.fullSize());
            statement.setInt(9, incoming.header().length);
            Long textLines = message.getTextualLineCount();
            if (textLines == null) {
                statement.setNull(10, Types.BIGINT);
            } else {
                statement.setLong(10, textLines);
            }
            setSystemFlags(statement, 11, flags);
            statement.setString(17, incoming.bodyHash());
            statement.setString(18, PropertiesCodec.encode(message.getProperties().toProperties()));
            statement.setLong(19, bodyId);
            statement.setBytes(20, incoming.header());
            statement.setString(21, SubjectKey.of(incoming.header()));
            statement.executeUpdate();
        }
        KeywordTable.insert(connection, mailboxId, uid.asLong(), Set.of(flags.getUserFlags()));
    }

    /** Rows matching {@code where} (which must bind only its own parameters), in uid order per mailbox. */
    List<StoredMessage> select(Connection connection, String where, List<Object> parameters, FetchType fetchType,
                               int limit) throws SQLException {
        // Metadata reads skip the large-object columns, header reads (ENVELOPE) the properties, which cost
        // Derby as much as the rest of the row; the message loads what it lacks itself if something asks.
        boolean withHeader = fetchType != FetchType.METADATA;
        boolean withProperties = withHeader && fetchType != FetchType.HEADERS;
        String sql = "SELECT " + READ_COLUMNS + (withHeader ? ", header_bytes" : "")
            + (withProperties ? ", properties" : "") + " FROM mbx_message WHERE " + where
            + " ORDER BY mailbox_id, uid" + (limit > 0 ? " FETCH FIRST " + limit + " ROWS ONLY" : "");
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            Database.bind(statement, parameters.toArray());
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(readRow(result, withProperties ? result.getString(20) : null,
                        withHeader ? result.getBytes(19) : null));
                }
            }
        }
        Map<Long, byte[]> bodies = fetchType == FetchType.FULL ? inlineBodies(connection, rows) : Map.of();
        return withKeywords(connection, rows, bodies);
    }

    /**
     * The inline bodies of the first rows, up to {@link #BATCH_BODY_BYTES}, in one query: a full read (POP3
     * RETR's read-ahead, IMAP FETCH BODY[]) then costs no query per message. Other bodies are read when asked.
     */
    private Map<Long, byte[]> inlineBodies(Connection connection, List<Row> rows) throws SQLException {
        List<Long> ids = new ArrayList<>(rows.size());
        long bytes = 0;
        for (Row row : rows) {
            bytes += row.fullSize - row.bodyStart;
            if (bytes > BATCH_BODY_BYTES) {
                break;
            }
            if (row.bodyId != null) {
                ids.add(row.bodyId);
            }
        }
        return ids.isEmpty() ? Map.of() : blobs.bodies().inlineContents(connection, ids);
    }

    /**
     * The messages of a mailbox whose header bytes pass {@code header}, in uid order, read with their header;
     * the rows that fail it are never turned into messages.
     */
    List<StoredMessage> selectByHeader(Connection connection, long mailboxId, Predicate<byte[]> header)
            throws SQLException {
        return selectByHeader(connection, "mailbox_id = ?", List.of(mailboxId), header);
    }

    /** Like {@link #selectByHeader(Connection, long, Predicate)}, for the given uids of the mailbox only. */
    List<StoredMessage> selectByHeader(Connection connection, long mailboxId, List<Long> uids,
                                       Predicate<byte[]> header) throws SQLException {
        List<StoredMessage> messages = new ArrayList<>(uids.size());
        for (int from = 0; from < uids.size(); from += IN_LIST_CHUNK) {
            List<Long> chunk = uids.subList(from, Math.min(uids.size(), from + IN_LIST_CHUNK));
            List<Object> parameters = new ArrayList<>(chunk.size() + 1);
            parameters.add(mailboxId);
            parameters.addAll(chunk);
            messages.addAll(selectByHeader(connection, "mailbox_id = ? AND uid IN ("
                + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")", parameters, header));
        }
        return messages;
    }

    private List<StoredMessage> selectByHeader(Connection connection, String where, List<Object> parameters,
                                               Predicate<byte[]> header) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + READ_COLUMNS + ", header_bytes"
                + " FROM mbx_message WHERE " + where + " ORDER BY uid")) {
            Database.bind(statement, parameters.toArray());
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    byte[] bytes = result.getBytes(19);
                    if (header.test(bytes)) {
                        rows.add(readRow(result, null, bytes));
                    }
                }
            }
        }
        return withKeywords(connection, rows);
    }

    private List<StoredMessage> withKeywords(Connection connection, List<Row> rows) throws SQLException {
        return withKeywords(connection, rows, Map.of());
    }

    private List<StoredMessage> withKeywords(Connection connection, List<Row> rows, Map<Long, byte[]> bodies)
            throws SQLException {
        Map<Long, Map<Long, Set<String>>> keywords = keywordsOf(connection, rows);
        List<StoredMessage> messages = new ArrayList<>(rows.size());
        for (Row row : rows) {
            Set<String> userFlags = keywords.getOrDefault(row.mailboxId, Map.of()).getOrDefault(row.uid, Set.of());
            messages.add(toMessage(row, userFlags,
                Optional.ofNullable(row.bodyId == null ? null : bodies.get(row.bodyId))));
        }
        return messages;
    }

    /** A message whose flags change: its uid and the flags before and after. */
    record FlagChange(long uid, Flags oldFlags, Flags newFlags) {
    }

    /**
     * Writes new flags and the modseq of messages of one mailbox. {@code changes} must be in uid order and each
     * run of consecutive changes must hold every row of the mailbox between its first and last uid (as when they
     * come from a range read under the mailbox lock): a run with the same new system flags is one UPDATE, which
     * sets only the flag columns some message of the run changes (Derby then leaves the indexes on the others).
     */
    void updateFlags(Connection connection, long mailboxId, List<FlagChange> changes, ModSeq modSeq) throws SQLException {
        FlagColumnUpdates.write(connection, mailboxId, changes, modSeq);
        KeywordTable.update(connection, mailboxId, changes);
    }

    /** Deletes the rows (keywords cascade) and returns the body references they held. */
    Map<String, Long> delete(Connection connection, long mailboxId, List<StoredMessage> messages) throws SQLException {
        Map<String, Long> released = new HashMap<>();
        for (StoredMessage message : messages) {
            if (Database.update(connection, "DELETE FROM mbx_message WHERE mailbox_id = ? AND uid = ?",
                    mailboxId, message.getUid().asLong()) > 0) {
                released.merge(message.bodyHash(), 1L, Long::sum);
            }
        }
        return released;
    }

    private Map<Long, Map<Long, Set<String>>> keywordsOf(Connection connection, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return Map.of();
        }
        Map<Long, long[]> uidBoundsByMailbox = new LinkedHashMap<>();
        for (Row row : rows) {
            uidBoundsByMailbox.merge(row.mailboxId, new long[] {row.uid, row.uid},
                (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        return KeywordTable.of(connection, uidBoundsByMailbox);
    }

    private static void setSystemFlags(PreparedStatement statement, int first, Flags flags) throws SQLException {
        statement.setBoolean(first, flags.contains(Flag.ANSWERED));
        statement.setBoolean(first + 1, flags.contains(Flag.DELETED));
        statement.setBoolean(first + 2, flags.contains(Flag.DRAFT));
        statement.setBoolean(first + 3, flags.contains(Flag.FLAGGED));
        statement.setBoolean(first + 4, flags.contains(Flag.RECENT));
        statement.setBoolean(first + 5, flags.contains(Flag.SEEN));
    }

    private record Row(long mailboxId, long uid, String messageId, String threadId, long modSeq, long internalDate,
                       Long saveDate, long fullSize, int bodyStart, Long textLines, Flags systemFlags, String bodyHash,
                       Long bodyId, String properties, byte[] header) {
    }

    private static final Flag[] FLAG_COLUMNS = {Flag.ANSWERED, Flag.DELETED, Flag.DRAFT, Flag.FLAGGED, Flag.RECENT, Flag.SEEN};

    private static Row readRow(ResultSet result, String properties, byte[] header) throws SQLException {
        Flags flags = new Flags();
        for (int i = 0; i < FLAG_COLUMNS.length; i++) {
            if (result.getBoolean(11 + i)) {
                flags.add(FLAG_COLUMNS[i]);
            }
        }
        long saveDate = result.getLong(7);
        Long saveDateOrNull = result.wasNull() ? null : saveDate;
        long textLines = result.getLong(10);
        Long textLinesOrNull = result.wasNull() ? null : textLines;
        long bodyId = result.getLong(18);
        Long bodyIdOrNull = result.wasNull() ? null : bodyId;
        return new Row(result.getLong(1), result.getLong(2), result.getString(3), result.getString(4),
            result.getLong(5), result.getLong(6), saveDateOrNull, result.getLong(8), result.getInt(9),
            textLinesOrNull, flags, result.getString(17), bodyIdOrNull, properties, header);
    }

    private StoredMessage toMessage(Row row, Set<String> userFlags, Optional<byte[]> body) {
        Flags flags = new Flags(row.systemFlags);
        userFlags.forEach(flags::add);
        StoredMessage.HeaderSource header = row.header != null
            ? () -> row.header
            : () -> loadColumn(row.mailboxId, row.uid, "header_bytes", ResultSet::getBytes);
        StoredMessage.PropertiesSource properties = row.properties != null
            ? () -> row.properties
            : () -> loadColumn(row.mailboxId, row.uid, "properties", ResultSet::getString);
        MessageId messageId = messageIds.fromString(row.messageId);
        ThreadId threadId = row.threadId.equals(row.messageId)
            ? ThreadId.fromBaseMessageId(messageId) : ThreadId.fromBaseMessageId(messageIds.fromString(row.threadId));
        return message(row.mailboxId, row.uid, messageId, threadId, row.modSeq, row.internalDate,
            Optional.ofNullable(row.saveDate).map(Date::new), row.fullSize, row.bodyStart, row.textLines, flags,
            row.bodyHash, header, body, properties);
    }

    /**
     * A message known by its metadata (a snapshot's) and perhaps its header: what it lacks (header, properties)
     * loads from its row when asked.
     */
    StoredMessage metadataMessage(long mailboxId, long uid, MessageId messageId, ThreadId threadId, long modSeq,
                                  long internalDate, Optional<Date> saveDate, long fullSize, int bodyStart,
                                  Long textLines, Flags flags, String bodyHash, Optional<byte[]> header) {
        StoredMessage.HeaderSource headerSource = header.isPresent() ? header::get
            : () -> loadColumn(mailboxId, uid, "header_bytes", ResultSet::getBytes);
        return message(mailboxId, uid, messageId, threadId, modSeq, internalDate, saveDate, fullSize, bodyStart,
            textLines, flags, bodyHash, headerSource, Optional.empty(),
            () -> loadColumn(mailboxId, uid, "properties", ResultSet::getString));
    }

    /** The uids and header bytes of some rows, in uid order: {@code count} of them. */
    record HeaderRows(long[] uids, byte[][] headers, int count) {
    }

    /**
     * The uid and header of the rows of a mailbox with uids {@code from..to}, at most {@code limit}: all that a
     * header read needs besides the metadata a snapshot holds, and a third of the cost of reading whole rows.
     */
    HeaderRows headers(Connection connection, long mailboxId, long from, long to, int limit) throws SQLException {
        long[] uids = new long[limit];
        byte[][] headers = new byte[limit][];
        int count = 0;
        try (PreparedStatement statement = connection.prepareStatement("SELECT uid, header_bytes FROM mbx_message"
                + " WHERE mailbox_id = ? AND uid BETWEEN ? AND ? ORDER BY mailbox_id, uid FETCH FIRST " + limit
                + " ROWS ONLY")) {
            Database.bind(statement, mailboxId, from, to);
            try (ResultSet result = statement.executeQuery()) {
                while (count < limit && result.next()) {
                    uids[count] = result.getLong(1);
                    headers[count] = result.getBytes(2);
                    count++;
                }
            }
        }
        return new HeaderRows(uids, headers, count);
    }

    private StoredMessage message(long mailboxId, long uid, MessageId messageId, ThreadId threadId, long modSeq,
                                  long internalDate, Optional<Date> saveDate, long fullSize, int bodyStart,
                                  Long textLines, Flags flags, String bodyHash, StoredMessage.HeaderSource header,
                                  Optional<byte[]> body, StoredMessage.PropertiesSource properties) {
        StoredMessage message = StoredMessage.create(messageId, threadId, new Date(internalDate), fullSize,
            bodyStart, header, bodyHash, body, blobs.bodies(), flags, properties, textLines,
            new JdbcMailboxId(mailboxId), saveDate);
        message.setUid(MessageUid.of(uid));
        message.setModSeq(ModSeq.of(modSeq));
        return message;
    }

    @FunctionalInterface
    private interface ColumnReader<T> {
        T read(ResultSet result, int column) throws SQLException;
    }

    private <T> T loadColumn(long mailboxId, long uid, String column, ColumnReader<T> reader) throws IOException {
        try {
            return database.inTransaction(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT " + column + " FROM mbx_message WHERE mailbox_id = ? AND uid = ?")) {
                    statement.setLong(1, mailboxId);
                    statement.setLong(2, uid);
                    try (ResultSet result = statement.executeQuery()) {
                        if (!result.next()) {
                            throw new MailboxException("Message " + uid + " is no longer in mailbox " + mailboxId);
                        }
                        return reader.read(result, 1);
                    }
                }
            });
        } catch (MailboxException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
