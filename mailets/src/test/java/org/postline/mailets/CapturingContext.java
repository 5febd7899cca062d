package org.postline.mailets;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;

/**
 * A MailetContext that keeps the very Mail objects given to {@code sendMail(Mail, String)} (FakeMailContext keeps
 * only a summary) and can answer {@code isLocalServer}/{@code isLocalEmail} from a directory; the rest goes to a
 * FakeMailContext.
 */
public final class CapturingContext {

    private final MailetContext delegate;
    private final List<Mail> sent = new CopyOnWriteArrayList<>();
    private Predicate<Domain> localServer;
    private Predicate<MailAddress> localEmail;

    public CapturingContext(MailetContext delegate) {
        this.delegate = delegate;
    }

    public CapturingContext withDirectory(FakeDirectory directory) {
        this.localServer = domain -> directory.domains.isLocal(domain.asString());
        this.localEmail = address -> directory.users.exists(address.asString());
        return this;
    }

    public List<Mail> sent() {
        return sent;
    }

    public MailetContext proxy() {
        return (MailetContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MailetContext.class},
            (proxy, method, args) -> {
                if (method.getName().equals("sendMail") && args.length == 2 && args[0] instanceof Mail mail
                    && args[1] instanceof String state) {
                    mail.setState(state);
                    sent.add(mail);
                    return null;
                }
                if (method.getName().equals("isLocalServer") && localServer != null) {
                    return localServer.test((Domain) args[0]);
                }
                if (method.getName().equals("isLocalEmail") && localEmail != null) {
                    return localEmail.test((MailAddress) args[0]);
                }
                try {
                    return method.invoke(delegate, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }
}
