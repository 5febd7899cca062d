package org.postline.container.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP) answering from a table that tests may change: NXDOMAIN
 * for unknown names, SERVFAIL for names marked failing, silence for names marked ignored, CNAMEs followed
 * within the table.
 */
public final class FakeDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Map<Name, List<Record>> zone = new ConcurrentHashMap<>();
    private final Set<Name> failing = ConcurrentHashMap.newKeySet();
    private final Set<Name> silent = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    public final AtomicInteger queries = new AtomicInteger();

    public FakeDnsServer(Map<Name, List<Record>> zone) throws SocketException {
        this.zone.putAll(zone);
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.thread = new Thread(this::serve, "fake-dns");
        thread.setDaemon(true);
        thread.start();
    }

    /** Replaces (or with an empty list, keeps as existing without records) the records of a name. */
    public void put(Name name, List<Record> records) {
        zone.put(name, List.copyOf(records));
    }

    /** Answers SERVFAIL for the name until {@link #recover} is called. */
    public void fail(Name name) {
        failing.add(name);
    }

    public void recover(Name name) {
        failing.remove(name);
        silent.remove(name);
    }

    /** Never answers queries for the name (the client times out) until {@link #recover} is called. */
    public void ignore(Name name) {
        silent.add(name);
    }

    public InetSocketAddress address() {
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
                if (silent.contains(query.getQuestion().getName())) {
                    continue;
                }
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
        Name name = question.getName();
        for (int hops = 0; hops < 8; hops++) {
            if (failing.contains(name)) {
                response.getHeader().setRcode(Rcode.SERVFAIL);
                return response;
            }
            List<Record> records = zone.get(name);
            if (records == null) {
                if (hops == 0) {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                }
                return response;
            }
            Name alias = null;
            for (Record record : records) {
                if (record.getType() == question.getType() || question.getType() == Type.ANY) {
                    response.addRecord(record, Section.ANSWER);
                } else if (record instanceof CNAMERecord cname) {
                    response.addRecord(record, Section.ANSWER);
                    alias = cname.getTarget();
                }
            }
            if (alias == null) {
                return response;
            }
            name = alias;
        }
        return response;
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(2_000);
    }
}
