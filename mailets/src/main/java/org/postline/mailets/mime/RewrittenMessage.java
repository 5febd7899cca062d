package org.postline.mailets.mime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.Properties;
import javax.activation.DataHandler;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

/**
 * The message a MIME mailet leaves on the mail: it writes exactly the bytes it was made from until a later
 * mailet changes it. After header changes only, the new header section is followed by the original body
 * bytes; after a body change JavaMail writes it. Saving keeps the Message-ID and adds no Date.
 */
public final class RewrittenMessage extends MimeMessage {

    private final byte[] bytes;
    private final int bodyOffset;
    private boolean headersChanged;
    private boolean bodyChanged;

    public RewrittenMessage(byte[] bytes, int bodyOffset) throws MessagingException {
        super(Session.getInstance(new Properties()), new SharedByteArrayInputStream(bytes));
        this.bytes = bytes;
        this.bodyOffset = bodyOffset;
    }

    /** The bytes of the mail's message as they would be sent or stored. */
    public static byte[] bytesOf(MimeMessage message) throws MessagingException, IOException {
        if (message instanceof RewrittenMessage rewritten && !rewritten.headersChanged && !rewritten.bodyChanged
                && rewritten.cachedContent == null) {
            return rewritten.bytes;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, message.getSize() + 1024));
        message.writeTo(out);
        return out.toByteArray();
    }

    @Override
    protected void updateMessageID() throws MessagingException {
        if (getMessageID() == null) {
            super.updateMessageID();
        }
    }

    @Override
    protected synchronized void updateHeaders() throws MessagingException {
        if (!bodyChanged && cachedContent == null) {
            return;
        }
        super.updateHeaders();
        bodyChanged = true;
    }

    @Override
    public void writeTo(OutputStream os) throws IOException, MessagingException {
        writeTo(os, null);
    }

    @Override
    public void writeTo(OutputStream os, String[] ignoreList) throws IOException, MessagingException {
        if (bodyChanged || cachedContent != null) {
            super.writeTo(os, ignoreList);
            return;
        }
        boolean filtering = ignoreList != null && ignoreList.length > 0;
        if (!headersChanged && !filtering) {
            os.write(bytes);
            os.flush();
            return;
        }
        Enumeration<String> lines = headers.getNonMatchingHeaderLines(ignoreList);
        while (lines.hasMoreElements()) {
            os.write(lines.nextElement().getBytes(StandardCharsets.UTF_8));
            os.write(new byte[] {'\r', '\n'});
        }
        os.write(new byte[] {'\r', '\n'});
        os.write(bytes, bodyOffset, bytes.length - bodyOffset);
        os.flush();
    }

    @Override
    public int getSize() throws MessagingException {
        return bodyChanged ? super.getSize() : bytes.length - bodyOffset;
    }

    @Override
    public synchronized void setDataHandler(DataHandler dh) throws MessagingException {
        bodyChanged = true;
        super.setDataHandler(dh);
    }

    @Override
    public void setHeader(String name, String value) throws MessagingException {
        headersChanged = true;
        super.setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) throws MessagingException {
        headersChanged = true;
        super.addHeader(name, value);
    }

    @Override
    public void removeHeader(String name) throws MessagingException {
        headersChanged = true;
        super.removeHeader(name);
    }

    @Override
    public void addHeaderLine(String line) throws MessagingException {
        headersChanged = true;
        super.addHeaderLine(line);
    }
}
