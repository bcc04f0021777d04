package io.mcst.stores.gcs;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

/**
 * A small Google Cloud Storage JSON-API server (JDK {@code HttpServer} on a free port of 127.0.0.1) that the
 * real {@code google-cloud-storage} client talks to through {@code StorageOptions.setHost}: buckets (create,
 * get), objects (simple, multipart and resumable uploads, gzip bodies; metadata and media downloads;
 * delete; listing with prefix, {@code maxResults} and page tokens), {@code ifGenerationMatch} preconditions
 * and CRC32C checks of uploads. {@link #failNext} makes it answer errors, for throttling tests. No emulator
 * can be installed where the tests run (no Docker; Google publishes no emulator for the JSON API as a Maven
 * or npm package), hence this one.
 */
public final class GcsTestServer implements AutoCloseable {
    private static final Gson GSON = new Gson();
    private static final int MAX_PAGE = 1_000;

    /** One stored version of an object. */
    private record StoredObject(String bucket, String name, byte[] data, long generation, String contentType, Instant created) {}

    /** How an upload began: its query parameters and the object metadata JSON (empty for a media upload). */
    public record UploadStart(Map<String, String> query, String metadata) {}

    /** A resumable upload in progress. */
    private record Upload(String bucket, String name, String contentType, Long ifGenerationMatch, java.io.ByteArrayOutputStream received) {}

    private final Map<String, NavigableMap<String, StoredObject>> buckets = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong(1_000);
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final Map<String, AtomicInteger> uploadsByType = new ConcurrentHashMap<>();
    private final List<UploadStart> uploadStarts = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The client end (address and port) of every connection a request came in on. */
    private final Set<InetSocketAddress> connections = ConcurrentHashMap.newKeySet();
    private volatile int failureStatus;
    private int port;
    private HttpServer server;
    private ExecutorService executor;

    public static GcsTestServer started() throws IOException {
        GcsTestServer server = new GcsTestServer();
        long begin = System.nanoTime();
        server.start();
        // Reported in the test output: how long each kind of test server takes to come up on this machine.
        System.out.printf("GCS test server started at %s in %d ms%n", server.host(), (System.nanoTime() - begin) / 1_000_000);
        return server;
    }

    /** Starts listening: on a free port the first time, on the same port after {@link #stop()}. */
    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        // Without TCP_NODELAY each small answer waits out a delayed ACK (~40 ms). Read once, when the JDK's
        // server first starts in this JVM.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        executor = Executors.newFixedThreadPool(16);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    /** Stops listening (connections are refused); the data stays for {@link #start()}. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The value for {@code StorageOptions.setHost}. */
    public String host() {
        return "http://127.0.0.1:" + port;
    }

    public void createBucket(String bucket) {
        buckets.putIfAbsent(bucket, new ConcurrentSkipListMap<>());
    }

    /** How many uploads of {@code uploadType} (media, multipart, resumable) were started so far. */
    public int uploadsStarted(String uploadType) {
        return uploadsByType.getOrDefault(uploadType, new AtomicInteger()).get();
    }

    /** Every upload started so far, in order: what the client asked for, which this server does not enforce. */
    public List<UploadStart> uploadStarts() {
        return List.copyOf(uploadStarts);
    }

    /** How many distinct connections requests came in on so far. */
    public int connectionsSeen() {
        return connections.size();
    }

    /** Answers the next {@code count} requests with {@code status} (e.g. 429, 503) instead of serving them. */
    public void failNext(int count, int status) {
        failureStatus = status;
        failuresLeft.set(count);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            connections.add(exchange.getRemoteAddress());
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                error(exchange, failureStatus, "injected failure");
                return;
            }
            route(exchange);
        } catch (RuntimeException e) {
            error(exchange, 500, e.toString());
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        List<String> path = segments(exchange.getRequestURI());
        Map<String, String> query = query(exchange.getRequestURI());
        // /storage/v1/b[/bucket[/o[/object]]], /upload/storage/v1/b/bucket/o, /download/storage/v1/b/bucket/o/object
        String api = path.isEmpty() ? "" : path.get(0);
        int base = api.equals("storage") ? 2 : 3;
        if (path.size() < base + 1 || !path.get(base).equals("b")) {
            error(exchange, 404, "no such API: " + exchange.getRequestURI());
            return;
        }
        String bucket = path.size() > base + 1 ? path.get(base + 1) : null;
        String object = path.size() > base + 3 ? path.get(base + 3) : null;
        if (api.equals("storage") && bucket == null && method.equals("POST")) {
            String name = json(body(exchange)).get("name").getAsString();
            createBucket(name);
            send(exchange, 200, bucketJson(name));
        } else if (bucket != null && !buckets.containsKey(bucket)) {
            error(exchange, 404, "The specified bucket does not exist.");
        } else if (api.equals("storage") && object == null && path.size() == base + 2 && method.equals("GET")) {
            send(exchange, 200, bucketJson(bucket));
        } else if (api.equals("upload") && method.equals("POST")) {
            startUpload(exchange, bucket, query);
        } else if (api.equals("upload") && method.equals("PUT")) {
            continueUpload(exchange, query.get("upload_id"));
        } else if (object == null && method.equals("GET")) {
            list(exchange, bucket, query);
        } else if (object != null && method.equals("GET")) {
            StoredObject stored = buckets.get(bucket).get(object);
            if (stored == null) {
                error(exchange, 404, "No such object: " + bucket + "/" + object);
            } else if (api.equals("download") || "media".equals(query.get("alt"))) {
                exchange.getResponseHeaders().add("x-goog-generation", String.valueOf(stored.generation()));
                exchange.getResponseHeaders().add("x-goog-hash", "crc32c=" + crc32c(stored.data()) + ",md5=" + md5(stored.data()));
                sendBytes(exchange, 200, stored.contentType(), stored.data());
            } else {
                send(exchange, 200, objectJson(stored));
            }
        } else if (object != null && method.equals("DELETE")) {
            synchronized (this) {
                StoredObject stored = buckets.get(bucket).get(object);
                if (stored == null) {
                    error(exchange, 404, "No such object: " + bucket + "/" + object);
                } else if (!generationMatches(query, stored)) {
                    error(exchange, 412, "conditionNotMet");
                } else {
                    buckets.get(bucket).remove(object);
                    exchange.sendResponseHeaders(204, -1);
                }
            }
        } else {
            error(exchange, 405, method + " " + exchange.getRequestURI() + " is not served by this test server");
        }
    }

    private void startUpload(HttpExchange exchange, String bucket, Map<String, String> query) throws IOException {
        String type = query.getOrDefault("uploadType", "media");
        uploadsByType.computeIfAbsent(type, t -> new AtomicInteger()).incrementAndGet();
        byte[] body = body(exchange);
        Long ifGenerationMatch = query.containsKey("ifGenerationMatch") ? Long.valueOf(query.get("ifGenerationMatch")) : null;
        switch (type) {
            case "media" -> {
                uploadStarts.add(new UploadStart(Map.copyOf(query), ""));
                store(exchange, bucket, query.get("name"), contentType(exchange), body, null, ifGenerationMatch);
            }
            case "multipart" -> {
                List<byte[]> parts = multipartBodies(body, contentTypeHeader(exchange));
                JsonObject metadata = json(parts.get(0));
                uploadStarts.add(new UploadStart(Map.copyOf(query), metadata.toString()));
                store(exchange, bucket, metadata.get("name").getAsString(), stringOr(metadata, "contentType", "application/octet-stream"),
                        parts.get(1), stringOr(metadata, "crc32c", null), ifGenerationMatch);
            }
            case "resumable" -> {
                JsonObject metadata = body.length == 0 ? new JsonObject() : json(body);
                uploadStarts.add(new UploadStart(Map.copyOf(query), metadata.toString()));
                String name = metadata.has("name") ? metadata.get("name").getAsString() : query.get("name");
                String id = UUID.randomUUID().toString();
                uploads.put(id, new Upload(bucket, name, stringOr(metadata, "contentType", "application/octet-stream"),
                        ifGenerationMatch, new java.io.ByteArrayOutputStream()));
                exchange.getResponseHeaders().add("Location",
                        host() + "/upload/storage/v1/b/" + bucket + "/o?uploadType=resumable&upload_id=" + id);
                exchange.sendResponseHeaders(200, -1);
            }
            default -> error(exchange, 400, "unknown uploadType " + type);
        }
    }

    /** One chunk (or a status query) of a resumable upload: Content-Range "bytes a-b/total|*" or "bytes * /total|*". */
    private void continueUpload(HttpExchange exchange, String id) throws IOException {
        Upload upload = id == null ? null : uploads.get(id);
        if (upload == null) {
            error(exchange, 404, "no such upload " + id);
            return;
        }
        byte[] chunk = body(exchange);
        String range = exchange.getRequestHeaders().getFirst("Content-Range");
        String spec = range == null ? "*/" + chunk.length : range.replaceFirst("^bytes ", "");
        String total = spec.substring(spec.indexOf('/') + 1);
        synchronized (upload) {
            if (!spec.startsWith("*")) {
                long first = Long.parseLong(spec.substring(0, spec.indexOf('-')));
                if (first != upload.received().size()) {
                    error(exchange, 400, "chunk starts at " + first + ", expected " + upload.received().size());
                    return;
                }
                upload.received().write(chunk);
            }
            if (!total.equals("*") && Long.parseLong(total) == upload.received().size()) {
                uploads.remove(id);
                store(exchange, upload.bucket(), upload.name(), upload.contentType(), upload.received().toByteArray(), null,
                        upload.ifGenerationMatch());
                return;
            }
            if (upload.received().size() > 0) {
                exchange.getResponseHeaders().add("Range", "bytes=0-" + (upload.received().size() - 1));
            }
            exchange.sendResponseHeaders(308, -1);
        }
    }

    private void store(HttpExchange exchange, String bucket, String name, String contentType, byte[] data, String crc32c,
            Long ifGenerationMatch) throws IOException {
        if (name == null || name.isEmpty()) {
            error(exchange, 400, "object name required");
            return;
        }
        if (crc32c != null && !crc32c.equals(crc32c(data))) {
            error(exchange, 400, "Provided CRC32C \"" + crc32c + "\" doesn't match calculated CRC32C \"" + crc32c(data) + "\".");
            return;
        }
        StoredObject stored;
        synchronized (this) {
            StoredObject current = buckets.get(bucket).get(name);
            if (ifGenerationMatch != null && ifGenerationMatch != (current == null ? 0 : current.generation())) {
                error(exchange, 412, "conditionNotMet");
                return;
            }
            stored = new StoredObject(bucket, name, data, generations.incrementAndGet(), contentType, Instant.now());
            buckets.get(bucket).put(name, stored);
        }
        send(exchange, 200, objectJson(stored));
    }

    private void list(HttpExchange exchange, String bucket, Map<String, String> query) throws IOException {
        String prefix = query.getOrDefault("prefix", "");
        int max = Math.min(MAX_PAGE, Integer.parseInt(query.getOrDefault("maxResults", String.valueOf(MAX_PAGE))));
        String after = query.containsKey("pageToken")
                ? new String(Base64.getUrlDecoder().decode(query.get("pageToken")), StandardCharsets.UTF_8) : null;
        NavigableMap<String, StoredObject> objects = buckets.get(bucket);
        NavigableMap<String, StoredObject> from = after == null ? objects.tailMap(prefix, true) : objects.tailMap(after, false);
        JsonArray items = new JsonArray();
        String last = null;
        boolean more = false;
        for (StoredObject stored : from.values()) {
            if (!stored.name().startsWith(prefix)) {
                break;
            }
            if (items.size() == max) {
                more = true;
                break;
            }
            items.add(objectJson(stored));
            last = stored.name();
        }
        JsonObject page = new JsonObject();
        page.addProperty("kind", "storage#objects");
        page.add("items", items);
        if (more) {
            page.addProperty("nextPageToken", Base64.getUrlEncoder().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
        }
        send(exchange, 200, page);
    }

    private static boolean generationMatches(Map<String, String> query, StoredObject stored) {
        return !query.containsKey("ifGenerationMatch") || Long.parseLong(query.get("ifGenerationMatch")) == stored.generation();
    }

    private static JsonObject bucketJson(String name) {
        JsonObject json = new JsonObject();
        json.addProperty("kind", "storage#bucket");
        json.addProperty("id", name);
        json.addProperty("name", name);
        json.addProperty("location", "US");
        json.addProperty("storageClass", "STANDARD");
        return json;
    }

    private static JsonObject objectJson(StoredObject stored) {
        JsonObject json = new JsonObject();
        json.addProperty("kind", "storage#object");
        json.addProperty("id", stored.bucket() + "/" + stored.name() + "/" + stored.generation());
        json.addProperty("name", stored.name());
        json.addProperty("bucket", stored.bucket());
        json.addProperty("generation", String.valueOf(stored.generation()));
        json.addProperty("metageneration", "1");
        json.addProperty("contentType", stored.contentType());
        json.addProperty("size", String.valueOf(stored.data().length));
        json.addProperty("crc32c", crc32c(stored.data()));
        json.addProperty("md5Hash", md5(stored.data()));
        json.addProperty("etag", "CK" + stored.generation());
        json.addProperty("timeCreated", stored.created().toString());
        json.addProperty("updated", stored.created().toString());
        return json;
    }

    private static String crc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static String md5(byte[] data) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bodies of a multipart/related request: the metadata JSON first, then the media. */
    private static List<byte[]> multipartBodies(byte[] body, String contentType) {
        String boundary = contentType.replaceFirst(".*boundary=\"?([^\";]+)\"?.*", "$1");
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> parts = new ArrayList<>();
        int start = indexOf(body, delimiter, 0);
        while (start >= 0) {
            int partStart = start + delimiter.length;
            if (body.length >= partStart + 2 && body[partStart] == '-' && body[partStart + 1] == '-') {
                break;
            }
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), partStart);
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), partStart);
            parts.add(Arrays.copyOfRange(body, headersEnd + 4, next));
            start = next + 2;
        }
        return parts;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] body(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            in = new GZIPInputStream(new ByteArrayInputStream(in.readAllBytes()));
        }
        return in.readAllBytes();
    }

    private static String contentTypeHeader(HttpExchange exchange) {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        return type == null ? "" : type;
    }

    private static String contentType(HttpExchange exchange) {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        return type == null ? "application/octet-stream" : type;
    }

    private static String stringOr(JsonObject json, String field, String fallback) {
        return json.has(field) && !json.get(field).isJsonNull() ? json.get(field).getAsString() : fallback;
    }

    private static JsonObject json(byte[] bytes) {
        return GSON.fromJson(new String(bytes, StandardCharsets.UTF_8), JsonObject.class);
    }

    /** Path segments, each percent-decoded: object names arrive with '/' as %2F. */
    private static List<String> segments(URI uri) {
        List<String> segments = new ArrayList<>();
        for (String raw : uri.getRawPath().split("/")) {
            if (!raw.isEmpty()) {
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                query.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        JsonObject error = new JsonObject();
        error.addProperty("code", status);
        error.addProperty("message", message);
        JsonObject detail = new JsonObject();
        detail.addProperty("message", message);
        detail.addProperty("reason", switch (status) {
            case 404 -> "notFound";
            case 412 -> "conditionNotMet";
            case 429 -> "rateLimitExceeded";
            case 401, 403 -> "forbidden";
            default -> status >= 500 ? "backendError" : "invalid";
        });
        JsonArray errors = new JsonArray();
        errors.add(detail);
        error.add("errors", errors);
        JsonObject body = new JsonObject();
        body.add("error", error);
        send(exchange, status, body);
    }

    private static void send(HttpExchange exchange, int status, JsonObject json) throws IOException {
        sendBytes(exchange, status, "application/json; charset=UTF-8", GSON.toJson(json).getBytes(StandardCharsets.UTF_8));
    }

    private static void sendBytes(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
