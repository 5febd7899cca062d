package org.postline.mailbox.jdbc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.apache.james.mailbox.model.MessageId;

/**
 * Writes mailboxes and messages with plain SQL the way the code before schema V8 did (bodies known by hash
 * only), so migration tests hold data written at an older version without that version's code.
 */
final class OldSchemaRows {

    private final TestDatabase database;
    private final MessageId.Factory messageIds = new PostlineMessageId.Factory();

    OldSchemaRows(TestDatabase database) {
        this.database = database;
    }

    /** Creates alice's mailbox {@code name} and returns its id. */
    long mailbox(String name) throws Exception {
        try (Connection connection = database.dataSource().getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO mbx_mailbox (namespace_name,"
                    + " owner_name, mailbox_name, uid_validity, last_uid, highest_modseq)"
                    + " VALUES ('#private', 'alice@example.org', ?, 7, 0, 0)")) {
                insert.setString(1, name);
                insert.executeUpdate();
            }
            try (PreparedStatement query = connection.prepareStatement("SELECT id FROM mbx_mailbox WHERE mailbox_name = ?")) {
                query.setString(1, name);
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    long id = rows.getLong(1);
                    connection.commit();
                    return id;
                }
            }
        }
    }

    /** Appends a message; a new body goes in its row, or in a file named by its hash if {@code bodyInFile}. */
    void add(long mailboxId, byte[] content, boolean bodyInFile) throws Exception {
        int bodyStart = new String(content, StandardCharsets.US_ASCII).indexOf("\r\n\r\n") + 4;
        byte[] header = Arrays.copyOfRange(content, 0, bodyStart);
        byte[] body = Arrays.copyOfRange(content, bodyStart, content.length);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        try (Connection connection = database.dataSource().getConnection()) {
            Database.update(connection, "UPDATE mbx_mailbox SET last_uid = last_uid + 1,"
                + " highest_modseq = highest_modseq + 1 WHERE id = ?", mailboxId);
            long uid;
            long modSeq;
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT last_uid, highest_modseq FROM mbx_mailbox WHERE id = ?")) {
                query.setLong(1, mailboxId);
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    uid = rows.getLong(1);
                    modSeq = rows.getLong(2);
                }
            }
            if (Database.update(connection, "UPDATE mbx_blob SET refcount = refcount + 1 WHERE hash = ?", hash) == 0) {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO mbx_blob (hash, byte_size, refcount, content) VALUES (?, ?, 1, ?)")) {
                    insert.setString(1, hash);
                    insert.setLong(2, body.length);
                    if (bodyInFile) {
                        insert.setNull(3, Types.BLOB);
                        writeFile(hash, body);
                    } else {
                        insert.setBytes(3, body);
                    }
                    insert.executeUpdate();
                }
            }
            String messageId = messageIds.generate().serialize();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO mbx_message (mailbox_id, uid,"
                    + " message_id, thread_id, modseq, internal_date, save_date, full_size, body_start, text_lines,"
                    + " answered, deleted, draft, flagged, recent, seen, body_hash, properties, header_bytes, subject_key)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, FALSE, FALSE, FALSE, FALSE, TRUE, FALSE, ?, ?, ?, ?)")) {
                insert.setLong(1, mailboxId);
                insert.setLong(2, uid);
                insert.setString(3, messageId);
                insert.setString(4, messageId);
                insert.setLong(5, modSeq);
                insert.setLong(6, 1_700_000_000_000L);
                insert.setLong(7, 1_700_000_000_000L);
                insert.setLong(8, content.length);
                insert.setInt(9, bodyStart);
                insert.setString(10, hash);
                insert.setString(11, PropertiesCodec.encode(List.of()));
                insert.setBytes(12, header);
                insert.setString(13, SubjectKey.of(header));
                insert.executeUpdate();
            }
            connection.commit();
        }
    }

    private void writeFile(String hash, byte[] body) throws IOException {
        Path file = database.blobDirectory().resolve(hash.substring(0, 2)).resolve(hash);
        Files.createDirectories(file.getParent());
        Files.write(file, body);
    }
}
