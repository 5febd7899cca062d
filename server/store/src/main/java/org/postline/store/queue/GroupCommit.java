package org.postline.store.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postline.api.StoreException;
import org.postline.store.jdbc.Jdbc;

/**
 * Row inserts from many threads committed together: a thread whose insert is queued while another group
 * is being committed waits, and the first of the waiters to find its insert still queued runs every queued
 * insert in one transaction (one pooled connection, one log sync) for all of them. When that transaction
 * fails, each insert of the group is tried again in a transaction of its own, so a bad row fails only its
 * own caller. Either way a caller returns only once its row is committed, or throws and its row is not there.
 */
final class GroupCommit {

    /** One row to insert: the statement's text (statements of one text are prepared once per group). */
    interface Insert {
        String sql();

        void bind(PreparedStatement statement) throws SQLException;
    }

    private static final int MAX_GROUP = 64;

    private final Jdbc jdbc;
    private final String action;
    private final List<Pending> queued = new ArrayList<>();
    private boolean committing;

    GroupCommit(Jdbc jdbc, String action) {
        this.jdbc = jdbc;
        this.action = action;
    }

    /** Inserts and commits the row; returns once it is durable. @throws StoreException if it is not stored */
    void insert(Insert insert) {
        Pending mine = new Pending(insert);
        boolean interrupted = false;
        try {
            synchronized (this) {
                queued.add(mine);
            }
            while (true) {
                List<Pending> group;
                synchronized (this) {
                    while (committing && !mine.done) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            interrupted = true;
                            if (queued.remove(mine)) {
                                throw new StoreException("interrupted while waiting to " + action, e);
                            }
                            // Our row is in the group being committed: wait for its outcome.
                        }
                    }
                    if (mine.done) {
                        break;
                    }
                    // The oldest queued rows go first; ours may be left for the next group when many wait.
                    committing = true;
                    int size = Math.min(MAX_GROUP, queued.size());
                    group = new ArrayList<>(queued.subList(0, size));
                    queued.subList(0, size).clear();
                }
                try {
                    commit(group);
                } finally {
                    synchronized (this) {
                        for (Pending pending : group) {
                            pending.done = true;
                        }
                        committing = false;
                        notifyAll();
                    }
                }
            }
            mine.rethrow();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Inserts waiting for a group (tests). */
    synchronized int queued() {
        return queued.size();
    }

    /** Commits the group; each insert records its own outcome. */
    private void commit(List<Pending> group) {
        try {
            jdbc.inTransactionOrThrow(c -> {
                run(c, group);
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            if (group.size() == 1) {
                group.get(0).failure = failure(e);
                return;
            }
            for (Pending pending : group) {
                try {
                    jdbc.inTransactionOrThrow(c -> {
                        run(c, List.of(pending));
                        return null;
                    });
                } catch (SQLException | RuntimeException alone) {
                    pending.failure = failure(alone);
                }
            }
        } catch (Error e) {
            for (Pending pending : group) {
                pending.failure = new StoreException("could not " + action + ": " + e, e);
            }
            throw e;
        }
    }

    private static void run(Connection c, List<Pending> group) throws SQLException {
        Map<String, PreparedStatement> statements = new LinkedHashMap<>();
        try {
            for (Pending pending : group) {
                String sql = pending.insert.sql();
                PreparedStatement statement = statements.get(sql);
                if (statement == null) {
                    statement = c.prepareStatement(sql);
                    statements.put(sql, statement);
                }
                pending.insert.bind(statement);
                statement.executeUpdate();
            }
        } finally {
            SQLException closing = null;
            for (PreparedStatement statement : statements.values()) {
                try {
                    statement.close();
                } catch (SQLException e) {
                    closing = e;
                }
            }
            if (closing != null) {
                throw closing;
            }
        }
    }

    private RuntimeException failure(Exception e) {
        if (e instanceof SQLException sql) {
            return new StoreException("could not " + action + ": " + sql.getMessage(), sql);
        }
        return (RuntimeException) e;
    }

    private static final class Pending {
        final Insert insert;
        boolean done;
        RuntimeException failure;

        Pending(Insert insert) {
            this.insert = insert;
        }

        void rethrow() {
            if (failure != null) {
                throw failure;
            }
        }
    }
}
