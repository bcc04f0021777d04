package io.mcst.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports: every server of the demo binds 127.0.0.1 on a port chosen at run time. */
final class Net {
    static final String HOST = "127.0.0.1";

    private Net() {}

    /** A port free on 127.0.0.1 now; the caller binds it at once (a race is possible but unlikely here). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }
}
