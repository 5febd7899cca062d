package org.postline.container.remote;

import org.postline.mailets.mime.MalformedMimeException;
import org.postline.mailets.mime.MimeLimits;
import org.postline.mailets.mime.SevenBitConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A queued message's bytes, and (made once, when a server needs it) its 7-bit form. */
final class OutgoingContent {

    private static final Logger LOG = LoggerFactory.getLogger(OutgoingContent.class);

    private final String name;
    private final byte[] raw;
    private final boolean eightBit;
    private byte[] sevenBit;

    OutgoingContent(String name, byte[] raw) {
        this.name = name;
        this.raw = raw;
        this.eightBit = SevenBitConverter.has8Bit(raw);
    }

    byte[] raw() {
        return raw;
    }

    boolean has8Bit() {
        return eightBit;
    }

    /** The message with 8-bit parts re-encoded; the original if it cannot be parsed as MIME (logged). */
    synchronized byte[] sevenBit() {
        if (sevenBit == null) {
            try {
                sevenBit = new SevenBitConverter(MimeLimits.DEFAULTS).convert(raw);
            } catch (MalformedMimeException | RuntimeException e) {
                LOG.warn("mail {}: its 8-bit content cannot be converted to 7-bit ({}); sent as it is", name,
                        e.toString());
                sevenBit = raw;
            }
        }
        return sevenBit;
    }
}
