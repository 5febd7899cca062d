package org.postline.mailbox.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.apache.james.mailbox.exception.MailboxException;

/**
 * Commits appends to one mailbox that arrive while another append to it is committing together, in one
 * transaction: the mailbox row lock, which orders UIDs, is held until the commit's log sync, so appends to one
 * mailbox committed one by one cost one sync each. The first waiting append leads the next group; an append
 * whose group fails is retried alone, so one bad message does not fail the others.
 */
final class GroupedAppends {

    /** Inserts one message under the uid and modseq allocated to it, within the group's transaction. */
    @FunctionalInterface
    interface Insert {
        void run(Connection connection, MailboxSequences.Allocation allocation) throws SQLException, MailboxException;
    }

    // Bounds the transaction (and the lock hold) when many clients append to one mailbox at once.
    private static final int MAX_GROUP = 64;

    private final Database database;
    private final ConcurrentMap<Long, Lane> lanes = new ConcurrentHashMap<>();

    GroupedAppends(Database database) {
        this.database = database;
    }

    /** Appends one message; returns once it is committed (or throws if it was not). */
    MailboxSequences.Allocation append(long mailboxId, Insert insert) throws MailboxException {
        Pending pending = new Pending(insert);
        Lane lane;
        boolean leads;
        while (true) {
            lane = lanes.computeIfAbsent(mailboxId, id -> new Lane());
            synchronized (lane) {
                if (lane.retired) {
                    continue;
                }
                lane.waiting.add(pending);
                leads = !lane.busy;
                lane.busy = true;
                break;
            }
        }
        if (!leads) {
            awaitTurn(lane, pending);
        }
        if (!pending.done) {
            lead(mailboxId, lane);
        }
        return pending.result();
    }

    /** Appends queued behind the one committing (tests). */
    int waiting(long mailboxId) {
        Lane lane = lanes.get(mailboxId);
        if (lane == null) {
            return 0;
        }
        synchronized (lane) {
            return lane.waiting.size();
        }
    }

    private void lead(long mailboxId, Lane lane) {
        List<Pending> group = new ArrayList<>();
        synchronized (lane) {
            while (!lane.waiting.isEmpty() && group.size() < MAX_GROUP) {
                group.add(lane.waiting.poll());
            }
        }
        try {
            commit(mailboxId, group);
        } catch (MailboxException | RuntimeException | Error e) {
            group.forEach(member -> member.failure = member.failure == null && member.allocation == null ? e : member.failure);
        } finally {
            synchronized (lane) {
                group.forEach(member -> member.done = true);
                Pending next = lane.waiting.peek();
                if (next != null) {
                    next.promoted = true;
                } else {
                    lane.busy = false;
                    lane.retired = true;
                    lanes.remove(mailboxId, lane);
                }
                lane.notifyAll();
            }
        }
    }

    private void commit(long mailboxId, List<Pending> group) throws MailboxException {
        try {
            // One raise of the mailbox row for the whole group: its uids and modseqs are consecutive.
            List<MailboxSequences.Allocation> allocations = database.inTransaction(connection -> {
                List<MailboxSequences.Allocation> allocated = MailboxSequences.allocate(connection, mailboxId, group.size());
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).insert.run(connection, allocated.get(i));
                }
                return allocated;
            });
            for (int i = 0; i < group.size(); i++) {
                group.get(i).allocation = allocations.get(i);
            }
        } catch (MailboxException | RuntimeException e) {
            if (group.size() == 1) {
                throw e;
            }
            for (Pending member : group) {
                try {
                    member.allocation = database.inTransaction(connection -> {
                        MailboxSequences.Allocation allocation = MailboxSequences.allocate(connection, mailboxId);
                        member.insert.run(connection, allocation);
                        return allocation;
                    });
                } catch (MailboxException | RuntimeException alone) {
                    member.failure = alone;
                }
            }
        }
    }

    private static void awaitTurn(Lane lane, Pending pending) {
        boolean interrupted = false;
        synchronized (lane) {
            while (!pending.done && !pending.promoted) {
                try {
                    lane.wait();
                } catch (InterruptedException e) {
                    // The append may already be in a committing group: wait for its outcome, then restore the flag.
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Appends to one mailbox; fields guarded by the lane's monitor. */
    private static final class Lane {
        final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        boolean busy;
        boolean retired;
    }

    private static final class Pending {
        final Insert insert;
        volatile boolean promoted;
        volatile boolean done;
        volatile MailboxSequences.Allocation allocation;
        volatile Throwable failure;

        Pending(Insert insert) {
            this.insert = insert;
        }

        MailboxSequences.Allocation result() throws MailboxException {
            if (failure instanceof MailboxException e) {
                throw e;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            return allocation;
        }
    }
}
