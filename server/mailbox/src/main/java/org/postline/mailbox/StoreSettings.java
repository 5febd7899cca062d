package org.postline.mailbox;

import java.util.Set;

import org.apache.james.mailbox.extension.PreDeletionHook;

/**
 * Tuning that the server leaves at James's defaults but tests (and future features such as an archive of
 * deleted mail) set: hooks run before messages are deleted, and RFC 5464 annotation limits per mailbox.
 */
record StoreSettings(Set<PreDeletionHook> preDeletionHooks, int annotationsPerMailbox, int annotationBytes) {

    // James's MailboxConstants defaults.
    static final StoreSettings DEFAULTS = new StoreSettings(Set.of(), 10, 30 * 1024);

    StoreSettings {
        preDeletionHooks = Set.copyOf(preDeletionHooks);
    }
}
