package org.postline.protocols.smtp;

import java.time.Clock;
import java.util.Optional;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.handler.CommandDispatcher;
import org.apache.james.protocols.api.handler.CommandHandlerResultLogger;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.smtp.SMTPProtocolHandlerChain;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.ExpnCmdHandler;
import org.apache.james.protocols.smtp.core.HelpCmdHandler;
import org.apache.james.protocols.smtp.core.NoopCmdHandler;
import org.apache.james.protocols.smtp.core.QuitCmdHandler;
import org.apache.james.protocols.smtp.core.RsetCmdHandler;
import org.apache.james.protocols.smtp.core.UnknownCmdHandler;
import org.apache.james.protocols.smtp.core.VrfyCmdHandler;
import org.apache.james.protocols.smtp.core.WelcomeMessageHandler;
import org.postline.api.config.ListenerLimits;

/**
 * Assembles the SMTP handler chain by hand rather than from James's defaults, which include a hook that
 * accepts postmaster@ and abuse@ any domain (a relay), a DATA handler that accepts bare LF and buffers
 * messages in memory, and a Received filter that does reverse DNS on the I/O path.
 */
final class SmtpHandlerChain {

    private SmtpHandlerChain() {
    }

    static SMTPProtocolHandlerChain build(SmtpSettings settings, SmtpContext context, SessionGuard guard,
                                          MetricFactory metrics) throws WiringException {
        return build(settings, context, guard, metrics, Optional.empty());
    }

    static SMTPProtocolHandlerChain build(SmtpSettings settings, SmtpContext context, SessionGuard guard,
                                          MetricFactory metrics, Optional<DnsBlocklists> blocklists)
            throws WiringException {
        String name = settings.name();
        ListenerLimits limits = settings.limits();
        SMTPProtocolHandlerChain chain = new SMTPProtocolHandlerChain(metrics, false);
        chain.add(new CommandDispatcher<SMTPSession>());

        // Commands. The AUTH handler goes in before the AuthHook, so James adds no second, ungated one.
        chain.add(new SmtpEhloCmdHandler(metrics));
        chain.add(new SmtpHeloCmdHandler(metrics));
        chain.add(new SmtpAuthCmdHandler());
        chain.add(new SmtpStartTlsCmdHandler());
        chain.add(new SmtpMailCmdHandler(metrics, context.hostName()));
        chain.add(new SmtpRcptCmdHandler(metrics, context.hostName()));
        // One date cache per listener: Received headers format the date at most once a second.
        ReceivedHeader received = new ReceivedHeader(context.hostName(), new ReceivedDates(Clock.systemDefaultZone()));
        SpoolWriter spoolWriter = new SpoolWriter();
        chain.add(new SpoolingDataCmdHandler(metrics, context.spool(), name, settings::isRelayingAllowed, received,
                spoolWriter));
        chain.add(new RsetCmdHandler());
        chain.add(new NoopCmdHandler());
        chain.add(new QuitCmdHandler(metrics));
        chain.add(new VrfyCmdHandler());
        chain.add(new ExpnCmdHandler());
        chain.add(new HelpCmdHandler());
        chain.add(new UnknownCmdHandler(metrics));
        chain.add(new WelcomeMessageHandler());

        // DATA line filters, in the order each line passes them, ending in the message's spool writer.
        chain.add(new StrictLineEndingFilter(name));
        chain.add(new MessageSizeLimit(limits.maxMessageSize()));
        chain.add(spoolWriter);

        // Hooks.
        chain.add(new DsnMailParameters());
        // DNS blocklists decide before the recipient policy: their 554 is the answer to every RCPT.
        blocklists.ifPresent(lists -> chain.add(new DnsblHook(name, lists)));
        chain.add(new SenderPolicyHook(name, settings.listener().authRequired(), context.spool(),
                context.spoolConfig(), context.relay(), context.rewrites()));
        chain.add(new RecipientPolicyHook(name, limits.maxRecipients(), context.domains(), context.users(),
                context.rewrites()));
        chain.add(new UsersAuthHook(context.users(), name, limits.authFailureDelay(), limits.maxAuthFailures()));
        chain.add(new SpoolCommitHook(name));

        chain.add(new AbortOnDisconnect());
        chain.add(guard);
        chain.add(new CommandHandlerResultLogger());
        chain.wireExtensibleHandlers();
        return chain;
    }
}
