package org.postline.mailbox;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Iterator;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.MessageMapperFactory;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;

/**
 * The messages James's simple search index reads, each seen with a line break after its last line.
 * James 3.8.1 (mime4j's MessageMatcher) only reports a match once it reads a character after it, so a word
 * at the very end of a message without a final line break was never found. Only the search sees the extra
 * line break; what clients fetch is unchanged.
 */
final class SearchableMessages implements MessageMapperFactory {

    private static final byte[] LINE_BREAK = {'\r', '\n'};

    private final MessageMapperFactory store;

    SearchableMessages(MessageMapperFactory store) {
        this.store = store;
    }

    @Override
    public MessageMapper getMessageMapper(MailboxSession session) throws MailboxException {
        MessageMapper mapper = store.getMessageMapper(session);
        return (MessageMapper) Proxy.newProxyInstance(MessageMapper.class.getClassLoader(),
            new Class<?>[] {MessageMapper.class}, (proxy, method, args) -> {
                Object result = invoke(mapper, method, args);
                if (method.getName().equals("findInMailbox") && result instanceof Iterator<?> messages) {
                    return new Iterator<MailboxMessage>() {
                        @Override
                        public boolean hasNext() {
                            return messages.hasNext();
                        }

                        @Override
                        public MailboxMessage next() {
                            return withFinalLineBreak((MailboxMessage) messages.next());
                        }
                    };
                }
                return result;
            });
    }

    static MailboxMessage withFinalLineBreak(MailboxMessage message) {
        return (MailboxMessage) Proxy.newProxyInstance(MailboxMessage.class.getClassLoader(),
            new Class<?>[] {MailboxMessage.class}, (proxy, method, args) -> {
                Object result = invoke(message, method, args);
                boolean content = method.getName().equals("getFullContent") || method.getName().equals("getBodyContent");
                return content && result instanceof InputStream in
                    ? new SequenceInputStream(in, new ByteArrayInputStream(LINE_BREAK)) : result;
            });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
