package org.postline.mailets.mime;

import java.util.Set;
import org.apache.mailet.Mail;

/**
 * Re-encodes 8-bit parts as quoted-printable (mostly ASCII) or base64, with the same code RemoteDelivery uses
 * for a server without 8BITMIME. 7-bit parts, headers and boundaries keep their bytes.
 */
public final class ConvertTo7Bit extends MimeMailet {

    private SevenBitConverter converter;

    @Override
    protected Set<String> parameterNames() {
        return Set.of();
    }

    @Override
    protected void configure() {
        converter = new SevenBitConverter(limits());
    }

    @Override
    protected byte[] edit(Mail mail, MimeEntity message) {
        return converter.convert(message);
    }
}
