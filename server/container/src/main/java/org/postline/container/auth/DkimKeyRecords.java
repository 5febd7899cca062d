package org.postline.container.auth;

import java.util.List;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.mailet.LookupException;
import org.apache.mailet.MailetContext.RecordType;
import org.apache.mailet.TemporaryLookupException;
import org.postline.container.dns.DnsClient;

/**
 * DKIM public keys ({@code selector._domainkey.domain} TXT, RFC 6376 section 3.6.2) looked up through the
 * server's DNS client, so the configured resolvers, timeout and cache apply (and tests can use a fake server).
 */
public final class DkimKeyRecords implements PublicKeyRecordRetriever {

    private final DnsClient dns;

    public DkimKeyRecords(DnsClient dns) {
        this.dns = dns;
    }

    @Override
    public List<String> getRecords(CharSequence methodAndOption, CharSequence selector, CharSequence token)
            throws TempFailException, PermFailException {
        if (!"dns/txt".equalsIgnoreCase(methodAndOption.toString())) {
            throw new PermFailException("unsupported key query method " + methodAndOption);
        }
        String name = selector + "._domainkey." + token;
        try {
            return dns.lookup(name, RecordType.TXT);
        } catch (DnsClient.NoSuchDomainException e) {
            return List.of(); // no key published: the verifier reports a permanent failure
        } catch (TemporaryLookupException e) {
            throw new TempFailException(e.getMessage());
        } catch (LookupException e) {
            throw new PermFailException(e.getMessage());
        }
    }
}
