package org.postline.protocols.netty;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.protocols.netty.ProtocolMDCContextFactory;
import org.junit.jupiter.api.Test;

/**
 * Guards the build, not the product: James's per-connection log context would look up each client's host name
 * with the system resolver (a real DNS query for an address the hosts file lacks, such as ::1 on some
 * machines). The parent pom turns that off for test JVMs.
 */
class TestJvmReverseLookupTest {

    @Test
    void connectionsToTestServersTriggerNoReverseLookup() {
        assertThat(ProtocolMDCContextFactory.ADD_HOST_TO_MDC)
                .as("james.protocols.mdc.hostname=false for this test JVM").isFalse();
    }
}
