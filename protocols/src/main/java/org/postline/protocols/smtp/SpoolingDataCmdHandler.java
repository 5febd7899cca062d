package org.postline.protocols.smtp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.DataCmdHandler.DataLineFilterWrapper;
import org.apache.james.protocols.smtp.core.DataLineFilter;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.SessionFacts;
import org.postline.api.queue.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DATA: opens a spool writer for the transaction's envelope (sender, recipients, DSN parameters, what the
 * session knew) and writes our Received header before answering 354, so the content streams straight to disk
 * through the DATA line filters into that message's {@link SpoolWriter}.
 */
final class SpoolingDataCmdHandler extends DataCmdHandler {

    private static final Logger LOGGER = LoggerFactory.getLogger(SpoolingDataCmdHandler.class);

    /**
     * The mail attribute by which the pipeline's SMTPIsAuthNetwork matcher knows a client from a relay network,
     * holding the JSON of the Mailet API's {@code AttributeValue.of(true)}.
     */
    static final String AUTH_NETWORK_ATTRIBUTE = "org.apache.james.SMTPIsAuthNetwork";
    static final String TRUE_ATTRIBUTE_JSON = "{\"serializer\":\"BooleanSerializer\",\"value\":true}";
    /** The tag-zones listing the client, comma-separated, for the pipeline's DnsblListed matcher. */
    static final String DNSBL_ATTRIBUTE = "org.postline.auth.dnsbl";

    private final Spool spool;
    private final String listener;
    private final Predicate<String> inRelayNetwork;
    private final ReceivedHeader receivedHeader;
    private final SpoolWriter spoolWriter;
    private List<DataLineFilter> filters = List.of();

    SpoolingDataCmdHandler(MetricFactory metricFactory, Spool spool, String listener, Predicate<String> inRelayNetwork,
                           ReceivedHeader receivedHeader, SpoolWriter spoolWriter) {
        super(metricFactory);
        this.spool = spool;
        this.listener = listener;
        this.inRelayNetwork = inRelayNetwork;
        this.receivedHeader = receivedHeader;
        this.spoolWriter = spoolWriter;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void wireExtensions(Class interfaceName, List extensions) throws WiringException {
        super.wireExtensions(interfaceName, extensions);
        if (DataLineFilter.class.equals(interfaceName)) {
            List<DataLineFilter> wired = new ArrayList<>();
            for (Object extension : extensions) {
                wired.add((DataLineFilter) extension);
            }
            filters = List.copyOf(wired);
        }
    }

    /** The filters in wiring order, ending in a writer that holds this message (no per-line session lookup). */
    private LineHandler<SMTPSession> linesOf(SpoolMailEnvelope message) {
        LineHandler<SMTPSession> handler = spoolWriter.linesOf(message);
        for (int i = filters.size() - 1; i >= 0; i--) {
            handler = new DataLineFilterWrapper(filters.get(i), handler);
        }
        return handler;
    }

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        Response response = super.onCommand(session, request);
        if (!"354".equals(response.getRetCode())) {
            // James switched the STARTTLS injection check off for DATA; no DATA follows, so switch it back on.
            session.startDetectingCommandInjection();
        }
        return response;
    }

    @Override
    protected Response doDATA(SMTPSession session, String argument) {
        MaybeSender sender = session.getAttachment(SMTPSession.SENDER, ProtocolSession.State.Transaction)
                .orElse(MaybeSender.nullSender());
        List<MailAddress> recipients = session.getAttachment(SMTPSession.RCPT_LIST, ProtocolSession.State.Transaction)
                .orElse(List.of());
        Envelope envelope = envelope(session, sender, recipients);
        Spool.Writer writer;
        try {
            writer = spool.begin(envelope);
        } catch (RuntimeException e) {
            LOGGER.error("listener '{}': the spool cannot take message {}", listener, envelope.name(), e);
            return Replies.response("451", "4.3.0 Temporary storage failure; try again later");
        }
        SpoolMailEnvelope message = new SpoolMailEnvelope(envelope, sender, recipients, writer);
        byte[] received = receivedHeader.bytes(session, recipients);
        message.write(received, 0, received.length);
        session.setAttachment(MAILENV, message, ProtocolSession.State.Transaction);
        session.pushLineHandler(linesOf(message));
        return Replies.response("354", "End data with <CR><LF>.<CR><LF>");
    }

    /** The Mailet API's JSON of a string attribute; zone names are domain names, nothing to escape. */
    private static String stringAttributeJson(String value) {
        return "{\"serializer\":\"StringSerializer\",\"value\":\"" + value + "\"}";
    }

    private Envelope envelope(SMTPSession session, MaybeSender sender, List<MailAddress> recipients) {
        Set<String> distinct = new LinkedHashSet<>();
        recipients.forEach(recipient -> distinct.add(Addresses.envelopeForm(recipient)));
        var remote = session.getRemoteAddress();
        SessionFacts facts = new SessionFacts(
                remote.getAddress().getHostAddress(),
                remote.getHostString(),
                session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection).orElse(""),
                Optional.ofNullable(session.getUsername()).map(user -> user.asString()),
                session.isTLSStarted(),
                listener);
        Map<String, String> attributes = new LinkedHashMap<>();
        if (inRelayNetwork.test(facts.remoteAddress())) {
            attributes.put(AUTH_NETWORK_ATTRIBUTE, TRUE_ATTRIBUTE_JSON);
        }
        session.getAttachment(DnsblHook.LISTINGS, ProtocolSession.State.Connection)
                .map(DnsblHook.Listings::tags).filter(tags -> !tags.isEmpty())
                .ifPresent(tags -> attributes.put(DNSBL_ATTRIBUTE, stringAttributeJson(String.join(",", tags))));
        return new Envelope(
                UUID.randomUUID().toString(),
                sender.asOptional().map(Addresses::envelopeForm),
                List.copyOf(distinct),
                "root",
                Optional.empty(),
                attributes,
                facts,
                DsnParameters.request(session));
    }
}
