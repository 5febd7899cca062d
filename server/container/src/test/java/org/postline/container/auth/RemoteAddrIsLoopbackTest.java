package org.postline.container.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.postline.api.queue.SessionFacts;
import org.postline.container.mail.PostlineMail;
import org.postline.container.matchers.RemoteAddrIsLoopback;

class RemoteAddrIsLoopbackTest {

    @Test
    void loopbackClientsMatchOthersDoNot() throws Exception {
        RemoteAddrIsLoopback matcher = new RemoteAddrIsLoopback();
        matcher.init(FakeMatcherConfig.builder().matcherName("RemoteAddrIsLoopback")
                .mailetContext(FakeMailContext.defaultContext()).build());
        for (String address : new String[] {"127.0.0.1", "127.3.4.5", "::1"}) {
            assertThat(matcher.match(from(address))).as(address).hasSize(1);
        }
        for (String address : new String[] {"192.0.2.10", "2001:db8::1", "localhost", "10.0.0.1"}) {
            assertThat(matcher.match(from(address))).as(address).isEmpty();
        }
    }

    private static PostlineMail from(String address) throws Exception {
        PostlineMail mail = DkimTest.mail(DkimTest.MESSAGE);
        mail.setSession(new SessionFacts(address, "client", "client", Optional.empty(), false, "smtp"));
        return mail;
    }
}
