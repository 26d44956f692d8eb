package dev.sandboxjobs.engine.egress.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Which addresses a sandbox may reach only when a rule names them: private and special ranges,
 * and every address of the machine the proxy runs on (the Docker host, for a local engine).
 */
final class Addresses {
    private static final long REFRESH_MILLIS = 30_000;
    private volatile Set<InetAddress> local = Set.of();
    private volatile long refreshedAt;

    /** Why {@code a} is off limits ("private (10.0.0.0/8)", "the host itself"), or null for a public address. */
    String restricted(InetAddress a) {
        String special = special(a);
        if (special != null) {
            return special;
        }
        return localAddresses().contains(a) ? "an address of the engine's host" : null;
    }

    static String special(InetAddress a) {
        if (a instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            if (isMapped(b) || isNat64(b)) {
                byte[] v4 = {b[12], b[13], b[14], b[15]};
                try {
                    return special(InetAddress.getByAddress(v4));
                } catch (UnknownHostException e) {
                    return "an unusable address";
                }
            }
            if (v6.isLoopbackAddress() || v6.isAnyLocalAddress()) {
                return "loopback (::1)";
            }
            if (v6.isLinkLocalAddress()) {
                return "link-local (fe80::/10)";
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "private (fc00::/7)";
            }
            if (v6.isMulticastAddress()) {
                return "multicast";
            }
            if (v6.isSiteLocalAddress()) {
                return "site-local (fec0::/10)";
            }
            return null;
        }
        byte[] b = ((Inet4Address) a).getAddress();
        int o0 = b[0] & 0xff;
        int o1 = b[1] & 0xff;
        if (o0 == 169 && o1 == 254) {
            return (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254 ? "the cloud metadata address (169.254.169.254)"
                    : "link-local (169.254.0.0/16)";
        }
        if (o0 == 127) {
            return "loopback (127.0.0.0/8)";
        }
        if (o0 == 10) {
            return "private (10.0.0.0/8)";
        }
        if (o0 == 172 && (o1 & 0xf0) == 16) {
            return "private (172.16.0.0/12)";
        }
        if (o0 == 192 && o1 == 168) {
            return "private (192.168.0.0/16)";
        }
        if (o0 == 100 && (o1 & 0xc0) == 64) {
            return "shared address space (100.64.0.0/10)";
        }
        if (o0 == 0) {
            return "this network (0.0.0.0/8)";
        }
        if (o0 >= 224) {
            return o0 < 240 ? "multicast (224.0.0.0/4)" : "reserved (240.0.0.0/4)";
        }
        return null;
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    private static boolean isNat64(byte[] b) {
        return (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && IntStream.range(4, 12).allMatch(i -> b[i] == 0);
    }

    private Set<InetAddress> localAddresses() {
        long now = System.currentTimeMillis();
        if (now - refreshedAt > REFRESH_MILLIS) {
            Set<InetAddress> all = new HashSet<>();
            try {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    all.addAll(Collections.list(ni.getInetAddresses()).stream()
                            .map(Addresses::withoutScope).toList());
                }
            } catch (SocketException e) {
                // keep the last known set
                return local;
            }
            local = Set.copyOf(all);
            refreshedAt = now;
        }
        return local;
    }

    private static InetAddress withoutScope(InetAddress a) {
        try {
            return InetAddress.getByAddress(a.getAddress());
        } catch (UnknownHostException e) {
            return a;
        }
    }
}
