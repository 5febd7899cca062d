package org.postline.protocols.pop3;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.handler.CommandDispatcher;
import org.apache.james.protocols.api.handler.CommandHandlerResultLogger;
import org.apache.james.protocols.api.handler.ProtocolHandlerChainImpl;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.CapaCmdHandler;
import org.apache.james.protocols.pop3.core.DeleCmdHandler;
import org.apache.james.protocols.pop3.core.ListCmdHandler;
import org.apache.james.protocols.pop3.core.NoopCmdHandler;
import org.apache.james.protocols.pop3.core.StatCmdHandler;

/**
 * The POP3 handler chain (James 3.8.1 ships none outside its tests): James's command handlers, ours where
 * James's fall short, and no APOP. The order matters twice: CAPA lists capabilities in chain order, and
 * {@link MessageNumberGuard} must come before the handlers it guards.
 */
final class Pop3HandlerChain {

    private Pop3HandlerChain() {
    }

    static ProtocolHandlerChainImpl build(Pop3Settings settings, Pop3Context context, Pop3SessionGuard guard,
                                          MetricFactory metrics) throws WiringException {
        Pop3PassCmdHandler pass = new Pop3PassCmdHandler(settings, context, metrics);
        ProtocolHandlerChainImpl chain = new ProtocolHandlerChainImpl();
        chain.add(new CommandDispatcher<POP3Session>());
        chain.add(guard);
        chain.add(new CommandHandlerResultLogger());
        chain.add(new MessageNumberGuard());
        chain.add(new Pop3TopCmdHandler(metrics));
        chain.add(new Pop3UidlCmdHandler(metrics));
        chain.add(new Pop3UserCmdHandler(settings, metrics));
        chain.add(new Pop3AuthCmdHandler(settings, pass));
        chain.add(new Pop3Greeting());
        chain.add(new CapaCmdHandler(metrics));
        chain.add(new Pop3StlsCmdHandler(settings, metrics));
        chain.add(pass);
        chain.add(new StatCmdHandler(metrics));
        chain.add(new ListCmdHandler(metrics));
        chain.add(new Pop3RetrCmdHandler());
        chain.add(new DeleCmdHandler(metrics));
        chain.add(new Pop3RsetCmdHandler(metrics));
        chain.add(new NoopCmdHandler(metrics));
        chain.add(new Pop3QuitCmdHandler(settings, metrics));
        chain.add(new Pop3UnknownCmdHandler());
        chain.add(new CloseMaildropOnDisconnect());
        chain.wireExtensibleHandlers();
        return chain;
    }
}
