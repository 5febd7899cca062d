package org.postline.protocols.imap;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;

/**
 * A mailbox manager that, once {@link #slowDown} is called, makes every call for a user whose name starts
 * with "slow-" wait until the latch is released: a store stuck on a lock or a slow disk.
 */
final class SlowMailboxes {

    private volatile CountDownLatch gate;

    MailboxManager wrap(MailboxManager store) {
        return (MailboxManager) Proxy.newProxyInstance(MailboxManager.class.getClassLoader(),
            new Class<?>[] {MailboxManager.class}, (proxy, method, args) -> {
                CountDownLatch latch = gate;
                if (latch != null && args != null) {
                    for (Object arg : args) {
                        if (arg instanceof MailboxSession session
                            && session.getUser().asString().startsWith("slow-")) {
                            latch.await(30, TimeUnit.SECONDS);
                        }
                    }
                }
                try {
                    return method.invoke(store, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }

    /** From now on, calls for "slow-" users wait until the returned latch is counted down (at most 30 s). */
    CountDownLatch slowDown() {
        CountDownLatch latch = new CountDownLatch(1);
        gate = latch;
        return latch;
    }
}
