package org.postline.container.mail;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import javax.activation.DataHandler;
import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

/**
 * A MimeMessage over a {@link MessageSource} that reads lazily and writes the original bytes unchanged
 * unless a mailet changes the message: untouched, the source is copied as is; with only headers changed,
 * the new headers are followed by the original body bytes (signatures over the body survive); with the
 * body changed, JavaMail serialises it. Saving keeps an existing Message-ID.
 */
public final class SourcedMimeMessage extends MimeMessage {

    private static final byte[] CRLF = {'\r', '\n'};

    private final MessageSource source;
    private boolean headersLoaded;
    private boolean bodyLoaded;
    private boolean headersModified;
    private boolean bodyModified;
    private long bodyOffset = -1;
    private byte[] raw;

    public SourcedMimeMessage(Session session, MessageSource source) {
        super(session);
        this.source = source;
    }

    public static SourcedMimeMessage of(Session session, byte[] bytes) {
        return new SourcedMimeMessage(session, MessageSource.ofBytes(bytes));
    }

    public boolean isModified() {
        return headersModified || bodyModified;
    }

    public boolean isBodyModified() {
        return bodyModified;
    }

    /** Size in bytes of the whole message when unmodified, -1 when a change makes it unknown without writing. */
    long unmodifiedSize() {
        return isModified() ? -1 : source.size();
    }

    /** The original bytes, for an unmodified message. */
    InputStream openSource() throws IOException {
        return raw != null ? new ByteArrayInputStream(raw) : source.open();
    }

    /** An independent copy: shares the immutable source when unmodified, else snapshots the current bytes. */
    public SourcedMimeMessage copy() throws MessagingException {
        if (!isModified()) {
            return new SourcedMimeMessage(session, source);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new MessagingException("cannot copy message", e);
        }
        return of(session, out.toByteArray());
    }

    private void loadHeaders() throws MessagingException {
        if (headersLoaded) {
            return;
        }
        try (InputStream in = new BufferedInputStream(openSource())) {
            byte[] headerBytes = readHeaderSection(in);
            headers = createInternetHeaders(new ByteArrayInputStream(headerBytes));
            bodyOffset = headerBytes.length;
            headersLoaded = true;
        } catch (IOException e) {
            throw new MessagingException("cannot read message headers", e);
        }
    }

    /** Reads up to and including the blank line that ends the headers (or to the end of the message). */
    private static byte[] readHeaderSection(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        int lineLength = 0;
        int c;
        while ((c = in.read()) != -1) {
            out.write(c);
            if (c == '\n') {
                if (lineLength == 0) {
                    break;
                }
                lineLength = 0;
            } else if (c != '\r') {
                lineLength++;
            }
        }
        return out.toByteArray();
    }

    private void loadMessage() throws MessagingException {
        if (bodyLoaded) {
            return;
        }
        loadHeaders();
        try (InputStream in = openSource()) {
            raw = in.readAllBytes();
        } catch (IOException e) {
            throw new MessagingException("cannot read message", e);
        }
        InternetHeaders current = headers;
        boolean wasSaved = saved;
        parse(new SharedByteArrayInputStream(raw));
        headers = current;
        contentStream = new SharedByteArrayInputStream(raw).newStream(bodyOffset, -1);
        saved = wasSaved || !isModified();
        bodyLoaded = true;
    }

    private void headersChanging() throws MessagingException {
        loadHeaders();
        headersModified = true;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
        if (getMessageID() == null) {
            super.updateMessageID();
        }
    }

    /**
     * Saving after header edits only leaves the header section as the mailet left it (no MIME-Version or
     * Date added). A replaced body, or a multipart fetched with getContent() and perhaps edited in place,
     * is saved the JavaMail way and written back.
     */
    @Override
    protected synchronized void updateHeaders() throws MessagingException {
        if (!bodyModified && cachedContent == null) {
            return;
        }
        super.updateHeaders();
        bodyModified = true;
    }

    @Override
    public void writeTo(OutputStream os) throws IOException, MessagingException {
        writeTo(os, null);
    }

    @Override
    public void writeTo(OutputStream os, String[] ignoreList) throws IOException, MessagingException {
        if (bodyModified) {
            loadHeaders();
            super.writeTo(os, ignoreList);
            return;
        }
        boolean filtering = ignoreList != null && ignoreList.length > 0;
        if (!headersModified && !filtering) {
            try (InputStream in = openSource()) {
                in.transferTo(os);
            }
            os.flush();
            return;
        }
        loadHeaders();
        Enumeration<String> lines = headers.getNonMatchingHeaderLines(ignoreList);
        while (lines.hasMoreElements()) {
            os.write(lines.nextElement().getBytes(StandardCharsets.UTF_8));
            os.write(CRLF);
        }
        os.write(CRLF);
        try (InputStream in = openSource()) {
            in.skipNBytes(bodyOffset);
            in.transferTo(os);
        }
        os.flush();
    }

    @Override
    public int getSize() throws MessagingException {
        if (!bodyModified) {
            loadHeaders();
            long size = source.size();
            return size < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, size - bodyOffset);
        }
        return super.getSize();
    }

    /** Loads first, so JavaMail caches a multipart (an in-place edit is then saved by saveChanges). */
    @Override
    public Object getContent() throws IOException, MessagingException {
        loadMessage();
        return super.getContent();
    }

    @Override
    protected InputStream getContentStream() throws MessagingException {
        loadMessage();
        return super.getContentStream();
    }

    @Override
    public synchronized void setDataHandler(DataHandler dh) throws MessagingException {
        loadHeaders();
        bodyModified = true;
        saved = false;
        super.setDataHandler(dh);
    }

    @Override
    public void setHeader(String name, String value) throws MessagingException {
        headersChanging();
        super.setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) throws MessagingException {
        headersChanging();
        super.addHeader(name, value);
    }

    @Override
    public void removeHeader(String name) throws MessagingException {
        headersChanging();
        super.removeHeader(name);
    }

    @Override
    public void addHeaderLine(String line) throws MessagingException {
        headersChanging();
        super.addHeaderLine(line);
    }

    @Override
    public String[] getHeader(String name) throws MessagingException {
        loadHeaders();
        return super.getHeader(name);
    }

    @Override
    public String getHeader(String name, String delimiter) throws MessagingException {
        loadHeaders();
        return super.getHeader(name, delimiter);
    }

    @Override
    public Enumeration<Header> getAllHeaders() throws MessagingException {
        loadHeaders();
        return super.getAllHeaders();
    }

    @Override
    public Enumeration<Header> getMatchingHeaders(String[] names) throws MessagingException {
        loadHeaders();
        return super.getMatchingHeaders(names);
    }

    @Override
    public Enumeration<Header> getNonMatchingHeaders(String[] names) throws MessagingException {
        loadHeaders();
        return super.getNonMatchingHeaders(names);
    }

    @Override
    public Enumeration<String> getAllHeaderLines() throws MessagingException {
        loadHeaders();
        return super.getAllHeaderLines();
    }

    @Override
    public Enumeration<String> getMatchingHeaderLines(String[] names) throws MessagingException {
        loadHeaders();
        return super.getMatchingHeaderLines(names);
    }

    @Override
    public Enumeration<String> getNonMatchingHeaderLines(String[] names) throws MessagingException {
        loadHeaders();
        return super.getNonMatchingHeaderLines(names);
    }
}
