package org.postline.container.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** A tiny authoritative DNS server on 127.0.0.1 (UDP) answering from a fixed table; NXDOMAIN for unknown names. */
final class FakeDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Map<Name, List<Record>> zone;
    private final Thread thread;
    final AtomicInteger queries = new AtomicInteger();

    FakeDnsServer(Map<Name, List<Record>> zone) throws SocketException {
        this.zone = zone;
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.thread = new Thread(this::serve, "fake-dns");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void serve() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                queries.incrementAndGet();
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                byte[] answer = answer(query).toWire(512);
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private Message answer(Message query) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        Record question = query.getQuestion();
        response.addRecord(question, Section.QUESTION);
        List<Record> records = zone.get(question.getName());
        if (records == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return response;
        }
        for (Record record : records) {
            if (record.getType() == question.getType() || question.getType() == Type.ANY) {
                response.addRecord(record, Section.ANSWER);
            }
        }
        return response;
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(2_000);
    }
}
