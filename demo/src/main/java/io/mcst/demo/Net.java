package io.mcst.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;

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

    /** Waits until {@code port} accepts connections, failing early if {@code owner} dies. */
    static void awaitListening(int port, LocalProcess owner, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            owner.ensureAlive();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 1_000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(250);
            }
        }
        throw new IllegalStateException(owner.name() + " did not listen on " + HOST + ":" + port + " within "
                + timeout + "; see " + owner.log());
    }
}
