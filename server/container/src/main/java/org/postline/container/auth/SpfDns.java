package org.postline.container.auth;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.apache.mailet.LookupException;
import org.apache.mailet.MailetContext.RecordType;
import org.postline.container.dns.DnsClient;

/**
 * jSPF's view of DNS on the server's DNS client (its resolvers, timeout and cache). The SPF record type is
 * answered as empty (RFC 7208 section 3.1 retired it), so jSPF reads TXT records. A failed or timed-out lookup
 * (any DNS error but NXDOMAIN) is a {@link TimeoutException}, which jSPF turns into temperror; an unknown
 * name is no records.
 */
public final class SpfDns implements DNSService {

    private final DnsClient dns;
    private final String hostName;
    private volatile int recordLimit = 10;

    public SpfDns(DnsClient dns, String hostName) {
        this.dns = dns;
        this.hostName = hostName;
    }

    @Override
    public List<String> getRecords(DNSRequest request) throws TimeoutException {
        RecordType type = switch (request.getRecordType()) {
            case DNSRequest.A -> RecordType.A;
            case DNSRequest.AAAA -> RecordType.AAAA;
            case DNSRequest.MX -> RecordType.MX;
            case DNSRequest.PTR -> RecordType.PTR;
            case DNSRequest.TXT -> RecordType.TXT;
            default -> null;
        };
        if (type == null) {
            return null;
        }
        try {
            List<String> records = dns.lookup(request.getHostname(), type);
            return records.isEmpty() ? null : records;
        } catch (DnsClient.NoSuchDomainException e) {
            return null;
        } catch (LookupException e) {
            // RFC 7208 section 2.6.6: any DNS error other than NXDOMAIN is a temporary error
            throw new TimeoutException(e.getMessage());
        }
    }

    @Override
    public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
        try {
            return CompletableFuture.completedFuture(getRecords(request));
        } catch (TimeoutException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public List<String> getLocalDomainNames() {
        return List.of(hostName);
    }

    @Override
    public void setTimeOut(int timeOut) {
        // the DNS client's timeout comes from postline.xml
    }

    @Override
    public int getRecordLimit() {
        return recordLimit;
    }

    @Override
    public void setRecordLimit(int recordLimit) {
        this.recordLimit = recordLimit;
    }
}
