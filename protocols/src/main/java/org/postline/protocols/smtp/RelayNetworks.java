package org.postline.protocols.smtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The CIDR blocks (IPv4 and IPv6) whose clients may relay without AUTH. Parsing never consults DNS: only
 * address literals are accepted.
 */
final class RelayNetworks {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefix / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int remainingBits = prefix % 8;
            if (remainingBits == 0) {
                return true;
            }
            int mask = (0xFF << (8 - remainingBits)) & 0xFF;
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }

    private final List<Block> blocks;

    private RelayNetworks(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /** @throws IllegalArgumentException naming the entry that is not a CIDR block or address literal */
    static RelayNetworks parse(List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : cidrs) {
            String trimmed = entry.trim();
            int slash = trimmed.indexOf('/');
            String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
            byte[] address = literal(host, entry);
            int prefix = address.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(trimmed.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("relay network '" + entry + "': prefix length is not a number");
                }
                if (prefix < 0 || prefix > address.length * 8) {
                    throw new IllegalArgumentException("relay network '" + entry + "': prefix length out of range");
                }
            }
            blocks.add(new Block(address, prefix));
        }
        return new RelayNetworks(blocks);
    }

    boolean contains(String ipLiteral) {
        if (blocks.isEmpty()) {
            return false;
        }
        byte[] address;
        try {
            address = literal(ipLiteral, ipLiteral);
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (Block block : blocks) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] literal(String host, String entry) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int zone = bare.indexOf('%');
        if (zone >= 0) {
            bare = bare.substring(0, zone);
        }
        boolean ipv4 = IPV4.matcher(bare).matches();
        if (!ipv4 && !bare.contains(":")) {
            throw new IllegalArgumentException("relay network '" + entry + "' is not an IPv4 or IPv6 address or CIDR block");
        }
        if (ipv4) {
            for (String octet : bare.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    throw new IllegalArgumentException("relay network '" + entry + "' is not a valid IPv4 address");
                }
            }
        }
        try {
            // A literal (dotted quad or containing ':') is parsed without any lookup.
            return InetAddress.getByName(bare).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("relay network '" + entry + "' is not a valid address: " + e.getMessage());
        }
    }
}
