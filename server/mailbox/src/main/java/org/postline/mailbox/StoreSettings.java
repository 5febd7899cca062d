package org.postline.mailbox;

import java.util.Set;

import org.apache.james.mailbox.extension.PreDeletionHook;
import org.postline.api.config.BodyStorage;
import org.postline.mailbox.jdbc.JdbcMailboxSessionMapperFactory;

/**
 * Tuning that the server leaves at James's defaults but tests (and future features such as an archive of
 * deleted mail) set: hooks run before messages are deleted, RFC 5464 annotation limits per mailbox, and where
 * bodies are kept
 * (and, with files, up to which size they stay in the database).
 */
record StoreSettings(Set<PreDeletionHook> preDeletionHooks, int annotationsPerMailbox, int annotationBytes,
                     BodyStorage bodies, long inlineBodyBytes) {

    // James's MailboxConstants defaults.
    static final StoreSettings DEFAULTS = new StoreSettings(Set.of(), 10, 30 * 1024);

    StoreSettings {
        preDeletionHooks = Set.copyOf(preDeletionHooks);
    }

    /** Bodies as files. */
    StoreSettings(Set<PreDeletionHook> preDeletionHooks, int annotationsPerMailbox, int annotationBytes) {
        this(preDeletionHooks, annotationsPerMailbox, annotationBytes, BodyStorage.FILES,
            JdbcMailboxSessionMapperFactory.DEFAULT_INLINE_BODY_BYTES);
    }

    StoreSettings withBodies(BodyStorage where) {
        return new StoreSettings(preDeletionHooks, annotationsPerMailbox, annotationBytes, where, inlineBodyBytes);
    }

    /** With files, bodies up to this size stay in the database (0: all are files, the layout older stores have). */
    StoreSettings withInlineBodyBytes(long bytes) {
        return new StoreSettings(preDeletionHooks, annotationsPerMailbox, annotationBytes, bodies, bytes);
    }
}
