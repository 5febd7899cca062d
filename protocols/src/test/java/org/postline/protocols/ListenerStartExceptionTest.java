package org.postline.protocols;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.BindException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ListenerStartExceptionTest {

    @Test
    void explainsAPrivilegedPort() {
        ListenerStartException error = ListenerStartException.bindFailed("smtp",
                InetSocketAddress.createUnresolved("0.0.0.0", 25), new BindException("Permission denied"));
        assertThat(error.getMessage()).isEqualTo("cannot bind 0.0.0.0:25: port 25 needs root or CAP_NET_BIND_SERVICE "
                + "(e.g. the shipped systemd unit's AmbientCapabilities, or `setcap cap_net_bind_service=+ep` on the "
                + "java binary), or choose a different <port> for listener 'smtp' in conf/postline.xml");
        assertThat(error.getCause()).isInstanceOf(BindException.class);
    }

    @Test
    void explainsAPortInUse() {
        ListenerStartException error = ListenerStartException.bindFailed("submission",
                InetSocketAddress.createUnresolved("127.0.0.1", 587),
                new RuntimeException("bind failed", new BindException("Address already in use")));
        assertThat(error.getMessage()).isEqualTo("port 587 on 127.0.0.1 is already in use (listener 'submission')");
    }

    @Test
    void explainsAForeignBindAddress() {
        ListenerStartException error = ListenerStartException.bindFailed("smtp",
                InetSocketAddress.createUnresolved("192.0.2.7", 25), new BindException("Cannot assign requested address"));
        assertThat(error.getMessage()).contains("192.0.2.7 is not an address of this host (listener 'smtp')");
    }
}
