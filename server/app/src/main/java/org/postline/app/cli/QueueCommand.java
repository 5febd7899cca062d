package org.postline.app.cli;

import org.postline.app.Postline;
import org.postline.app.admin.AdminRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code postline queue list}: what waits in the spool and in the outgoing queues; changes nothing. */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Show the mail waiting in the spool and in the outgoing queues of remote delivery.")
public final class QueueCommand {

    @ParentCommand
    private Postline root;

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the mail waiting in the queues; changes nothing.",
                    "One line per mail, by queue name, oldest first: QUEUE ID STORED FAILED-ATTEMPTS NEXT-ATTEMPT "
                    + "SENDER RECIPIENTS LAST-FAILURE (times in UTC; NEXT-ATTEMPT is now when the mail is ready; "
                    + "<> for the null sender; recipients comma-separated; the first line of the last failure or -)."})
    int list(@Parameters(paramLabel = "QUEUE", arity = "0..1",
            description = "spool (received mail waiting for the pipeline), outgoing (mail waiting for remote "
                    + "delivery) or another RemoteDelivery outgoingQueue; default: every queue.") String queue) {
        return root.admin(queue == null ? AdminRequest.of("queue", "list") : AdminRequest.of("queue", "list", queue));
    }
}
