package io.mcst.stores;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 proxy on a free port of 127.0.0.1 in front of a test server, which can answer the next N
 * requests itself with an error (S3's 503 SlowDown, Azure's 503 ServerBusy) instead of forwarding them: a
 * throttling cloud, for the clients of any SDK. The Host header is forwarded unchanged, so request
 * signatures stay valid. One request per connection ({@code Connection: close}), which is all the tests need;
 * bodies with a length or chunked.
 *
 * <p>It records every request's line and headers, so a test can see what a client sent on the wire. Pointed
 * at as a client's forward proxy (with the backend as the client's endpoint), it forwards the absolute-form
 * request line unchanged, which HTTP/1.1 servers accept.
 */
public final class FaultyHttpProxy implements AutoCloseable {
    /** A canned answer: status line text, headers and body. */
    public record Failure(int status, String reason, List<String> headers, String body) {}

    /** A forward proxy's challenge for Basic credentials. */
    public static final Failure PROXY_AUTHENTICATION_REQUIRED = new Failure(407, "Proxy Authentication Required",
            List.of("Proxy-Authenticate: Basic realm=\"proxy\""), "");

    /** The header that answers {@link #PROXY_AUTHENTICATION_REQUIRED} for {@code user} and {@code password}. */
    public static String proxyAuthorization(String user, String password) {
        return "Proxy-Authorization: Basic "
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private final InetSocketAddress backend;
    private final ServerSocket listener;
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger forwarded = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile Failure failure;

    public FaultyHttpProxy(URI backend) throws IOException {
        this.backend = new InetSocketAddress(backend.getHost(), backend.getPort());
        this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        workers.execute(this::acceptLoop);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Answers the next {@code count} requests with {@code failure}. */
    public void failNext(int count, Failure failure) {
        this.failure = failure;
        failuresLeft.set(count);
    }

    /** How many requests were answered with a failure so far. */
    public int failedRequests() {
        return failed.get();
    }

    /** How many requests reached the backend so far. */
    public int forwardedRequests() {
        return forwarded.get();
    }

    /** The request line and headers of each request received so far, in order, one string of lines each. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** The request line and headers of the first {@code method} request received, e.g. the first {@code PUT}. */
    public String firstRequest(String method) {
        return requests().stream().filter(request -> request.startsWith(method + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + method + " request came through the proxy"));
    }

    @Override
    public void close() throws IOException {
        listener.close();
        workers.shutdownNow();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                workers.execute(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setTcpNoDelay(true);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            List<String> head = readHead(in);
            if (head.isEmpty()) {
                return;
            }
            requests.add(String.join("\n", head));
            long length = 0;
            boolean chunked = false;
            boolean expectContinue = false;
            List<String> forwardedHead = new ArrayList<>();
            forwardedHead.add(head.get(0));
            for (String header : head.subList(1, head.size())) {
                String name = header.substring(0, header.indexOf(':')).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(header.indexOf(':') + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "expect" -> expectContinue = value.equalsIgnoreCase("100-continue");
                    case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                    default -> { }
                }
                if (!List.of("connection", "expect", "upgrade", "http2-settings", "keep-alive").contains(name)) {
                    forwardedHead.add(header);
                }
            }
            forwardedHead.add("Connection: close");
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                failed.incrementAndGet();
                if (!expectContinue && chunked) {
                    copyChunked(in, OutputStream.nullOutputStream());
                } else if (!expectContinue) {
                    in.readNBytes((int) length);
                }
                respond(out, failure);
                return;
            }
            if (expectContinue) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            forwarded.incrementAndGet();
            try (Socket server = new Socket()) {
                server.connect(backend, 5_000);
                server.setTcpNoDelay(true);
                OutputStream toServer = server.getOutputStream();
                toServer.write((String.join("\r\n", forwardedHead) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                if (chunked) {
                    copyChunked(in, toServer);
                } else {
                    copy(in, toServer, length);
                }
                toServer.flush();
                InputStream fromServer = server.getInputStream();
                List<String> responseHead = readHead(fromServer);
                StringBuilder rewritten = new StringBuilder(responseHead.get(0)).append("\r\n");
                for (String header : responseHead.subList(1, responseHead.size())) {
                    if (!header.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                        rewritten.append(header).append("\r\n");
                    }
                }
                rewritten.append("Connection: close\r\n\r\n");
                out.write(rewritten.toString().getBytes(StandardCharsets.ISO_8859_1));
                fromServer.transferTo(out);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // The client sees a dropped connection; the test asserts on what the client reports.
        }
    }

    private static void respond(OutputStream out, Failure failure) throws IOException {
        byte[] body = failure.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 " + failure.status() + " " + failure.reason() + "\r\n");
        failure.headers().forEach(header -> head.append(header).append("\r\n"));
        head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** The request or status line and the headers, up to the blank line; empty if the peer closed first. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1).replaceFirst("\r$", "");
                line.reset();
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
            } else {
                line.write(b);
            }
        }
        return List.of();
    }

    /** Copies a chunked body as it is, chunk sizes and trailers included, up to its end. */
    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = readLine(in);
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            long size = Long.parseLong(sizeLine.split(";", 2)[0].trim(), 16);
            if (size == 0) {
                for (String trailer = readLine(in); ; trailer = readLine(in)) {
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    if (trailer.isEmpty()) {
                        return;
                    }
                }
            }
            copy(in, out, size + 2); // the chunk and its CRLF
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("client closed the request body early");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.ISO_8859_1).replaceFirst("\r$", "");
    }

    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        for (long left = length; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("client closed the request body early");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }
}
