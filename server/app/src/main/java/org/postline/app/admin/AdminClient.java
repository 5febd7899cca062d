package org.postline.app.admin;

import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Sends one admin command to a running server over its Unix domain socket. */
public final class AdminClient {

    private final Path socket;

    public AdminClient(Path socket) {
        this.socket = socket;
    }

    /**
     * @return the server's answer, or empty when no server answers on the socket (no file, or nobody listening)
     * @throws IOException when a server answered but the exchange broke off
     */
    public Optional<AdminResponse> send(AdminRequest request) throws IOException {
        if (!Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (UnsupportedOperationException e) {
            return Optional.empty();
        }
        try (channel) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (SocketException e) {
                if (String.valueOf(e.getMessage()).contains("ermission denied")) {
                    throw new IOException("permission denied on the admin socket " + socket
                            + ": run this command as the user the server runs as", e);
                }
                // Connection refused: a socket file left behind by a server that is gone.
                return Optional.empty();
            }
            AdminProtocol.writeRequest(request, Channels.newOutputStream(channel));
            return Optional.of(AdminProtocol.readResponse(Channels.newInputStream(channel)));
        }
    }
}
