package org.postline.mailbox;

import java.util.Set;

import org.apache.james.mailbox.extension.PreDeletionHook;
import org.postline.api.config.BodyStorage;

/**
 * Tuning that the server leaves at James's defaults but tests (and future features such as an archive of
 * deleted mail) set: hooks run before messages are deleted, RFC 5464 annotation limits per mailbox, and where
 * bodies are kept.
 */
record StoreSettings(Set<PreDeletionHook> preDeletionHooks, int annotationsPerMailbox, int annotationBytes,
                     BodyStorage bodies) {

    // James's MailboxConstants defaults.
    static final StoreSettings DEFAULTS = new StoreSettings(Set.of(), 10, 30 * 1024);

    StoreSettings {
        preDeletionHooks = Set.copyOf(preDeletionHooks);
    }

    /** Bodies as files. */
    StoreSettings(Set<PreDeletionHook> preDeletionHooks, int annotationsPerMailbox, int annotationBytes) {
        this(preDeletionHooks, annotationsPerMailbox, annotationBytes, BodyStorage.FILES);
    }

    StoreSettings withBodies(BodyStorage where) {
        return new StoreSettings(preDeletionHooks, annotationsPerMailbox, annotationBytes, where);
    }
}
