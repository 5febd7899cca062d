package org.postline.container.spool;

import org.postline.api.queue.SpooledMail;

/** What a queue's workers do with one claimed mail, and with one whose processing threw. */
public interface QueueWorker {

    /** Handles the mail and completes or releases it; an exception sends it to {@link #failed}. */
    void process(SpooledMail mail) throws Exception;

    /** The dead-letter step: the mail must end up released, completed or stored; never lost. */
    void failed(SpooledMail mail, Throwable cause);
}
