package io.mcst.connector.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;

/**
 * A small Schema Registry (JDK {@code HttpServer} on a free port of 127.0.0.1) following the registry's documented
 * REST API for what the connector calls: {@code POST /subjects/{subject}/versions} (register, or find the same
 * schema; a schema incompatible with the subject's latest under BACKWARD compatibility is refused with 409, an Avro
 * schema that does not parse with 422), {@code GET /subjects/{subject}/versions/{version}}, {@code GET
 * /schemas/ids/{id}}, {@code GET /schemas/ids/{id}/versions} (soft-deleted versions, see {@link #softDelete}, only
 * with {@code ?deleted=true} where the registry takes it); errors as {@code {"error_code", "message"}} with the
 * registry's codes (40401 subject, 40402 version, 40403 schema not found), content type
 * {@code application/vnd.schemaregistry.v1+json}, optional basic authentication. Ids are global and start at
 * {@code firstId}, so two instances assign different ids to the same schemas. The registry's own server cannot run
 * here, hence this one.
 */
public final class SchemaRegistryTestServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern VERSION = Pattern.compile("/subjects/([^/]+)/versions/(\\d+|latest)");
    private static final Pattern ID = Pattern.compile("/schemas/ids/(\\d+)");
    private static final Pattern ID_VERSIONS = Pattern.compile("/schemas/ids/(\\d+)/versions");

    /** A registered schema: what makes two registrations the same (type, text, references). */
    private record Stored(String type, String schema, List<RegistryReference> references) {}

    private record RegistryReference(String name, String subject, int version) {}

    private final HttpServer server;
    private final AtomicInteger nextId;
    private final String requiredAuthorization;
    private final Map<Integer, Stored> byId = new LinkedHashMap<>();
    private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
    /** Soft-deleted versions, as subject/version. */
    private final Set<String> deleted = new HashSet<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean down;

    /** Without authentication. */
    public SchemaRegistryTestServer(int firstId) {
        this(firstId, null);
    }

    /** @param userInfo the only {@code user:password} accepted, or null for none required */
    public SchemaRegistryTestServer(int firstId, String userInfo) {
        this.nextId = new AtomicInteger(firstId);
        this.requiredAuthorization = userInfo == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests answered so far, to check what is cached. */
    public int requests() {
        return requests.get();
    }

    /** While down, every request is answered 503, as by a registry behind a load balancer with no instance. */
    public void down(boolean down) {
        this.down = down;
    }

    /**
     * Soft-deletes version {@code version} of {@code subject}, as {@code DELETE /subjects/{subject}/versions/{version}}
     * does: the id still resolves, but the version is listed only with {@code ?deleted=true}.
     */
    public synchronized void softDelete(String subject, int version) {
        deleted.add(subject + "/" + version);
    }

    /** Registers directly, as a producer's serializer would. */
    public synchronized int register(String subject, String type, String schema) {
        return register(subject, new Stored(type, schema, List.of()));
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            if (down) {
                reply(exchange, 503, error(50301, "no registry instance available"));
                return;
            }
            if (requiredAuthorization != null
                    && !requiredAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply(exchange, 401, error(401, "Unauthorized"));
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            boolean withDeleted = "deleted=true".equals(exchange.getRequestURI().getRawQuery());
            String method = exchange.getRequestMethod();
            Matcher m;
            if ("POST".equals(method) && (m = REGISTER.matcher(path)).matches()) {
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                registerRequest(exchange, decode(m.group(1)), body);
            } else if ("GET".equals(method) && (m = VERSION.matcher(path)).matches()) {
                getVersion(exchange, decode(m.group(1)), m.group(2), withDeleted);
            } else if ("GET".equals(method) && (m = ID_VERSIONS.matcher(path)).matches()) {
                getIdVersions(exchange, Integer.parseInt(m.group(1)), withDeleted);
            } else if ("GET".equals(method) && (m = ID.matcher(path)).matches()) {
                getId(exchange, Integer.parseInt(m.group(1)));
            } else {
                reply(exchange, 404, error(404, "HTTP 404 Not Found"));
            }
        }
    }

    private synchronized void registerRequest(HttpExchange exchange, String subject, JsonNode body) throws IOException {
        List<RegistryReference> references = new ArrayList<>();
        for (JsonNode reference : body.path("references")) {
            RegistryReference parsed = new RegistryReference(reference.path("name").asText(),
                    reference.path("subject").asText(), reference.path("version").asInt());
            if (versionId(parsed.subject(), parsed.version()) == null) {
                reply(exchange, 422, error(42201, "Invalid schema: reference " + parsed + " not found"));
                return;
            }
            references.add(parsed);
        }
        Stored schema = new Stored(body.path("schemaType").asText("AVRO"), body.path("schema").asText(), references);
        Schema avro;
        try {
            avro = avro(schema);
        } catch (SchemaParseException e) {
            reply(exchange, 422, error(42201, "Invalid schema " + e.getMessage()));
            return;
        }
        List<Integer> versions = subjects.getOrDefault(subject, List.of());
        for (int id : versions) {
            if (byId.get(id).equals(schema)) {
                reply(exchange, 200, JSON.createObjectNode().put("id", id));
                return;
            }
        }
        if (avro != null && !versions.isEmpty()) {
            Schema latest = avro(byId.get(versions.get(versions.size() - 1)));
            if (latest != null && SchemaCompatibility.checkReaderWriterCompatibility(avro, latest).getType()
                    != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                reply(exchange, 409, error(409, "Schema being registered is incompatible with an earlier schema for "
                        + "subject \"" + subject + "\""));
                return;
            }
        }
        reply(exchange, 200, JSON.createObjectNode().put("id", register(subject, schema)));
    }

    private int register(String subject, Stored schema) {
        Integer id = byId.entrySet().stream().filter(e -> e.getValue().equals(schema)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
        if (id == null) {
            id = nextId.getAndIncrement();
            byId.put(id, schema);
        }
        List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    /** The Avro schema, its references parsed first; null for other types, which this server does not check. */
    private Schema avro(Stored schema) {
        if (!"AVRO".equals(schema.type())) {
            return null;
        }
        Schema.Parser parser = new Schema.Parser();
        addReferences(parser, schema);
        return parser.parse(schema.schema());
    }

    private void addReferences(Schema.Parser parser, Stored schema) {
        for (RegistryReference reference : schema.references()) {
            Stored referenced = byId.get(versionId(reference.subject(), reference.version()));
            addReferences(parser, referenced);
            parser.parse(referenced.schema());
        }
    }

    private Integer versionId(String subject, int version) {
        List<Integer> versions = subjects.get(subject);
        return versions == null || version < 1 || version > versions.size() ? null : versions.get(version - 1);
    }

    private synchronized void getVersion(HttpExchange exchange, String subject, String version, boolean withDeleted)
            throws IOException {
        List<Integer> versions = subjects.get(subject);
        if (versions == null) {
            reply(exchange, 404, error(40401, "Subject '" + subject + "' not found."));
            return;
        }
        int number = "latest".equals(version) ? versions.size() : Integer.parseInt(version);
        Integer id = versionId(subject, number);
        if (id == null || (!withDeleted && deleted.contains(subject + "/" + number))) {
            reply(exchange, 404, error(40402, "Version " + version + " not found."));
            return;
        }
        ObjectNode body = schemaJson(byId.get(id)).put("subject", subject).put("version", number).put("id", id);
        reply(exchange, 200, body);
    }

    private synchronized void getId(HttpExchange exchange, int id) throws IOException {
        Stored schema = byId.get(id);
        if (schema == null) {
            reply(exchange, 404, error(40403, "Schema " + id + " not found"));
            return;
        }
        reply(exchange, 200, schemaJson(schema));
    }

    private synchronized void getIdVersions(HttpExchange exchange, int id, boolean withDeleted) throws IOException {
        if (!byId.containsKey(id)) {
            reply(exchange, 404, error(40403, "Schema " + id + " not found"));
            return;
        }
        ArrayNode body = JSON.createArrayNode();
        subjects.forEach((subject, ids) -> {
            int index = ids.indexOf(id);
            if (index >= 0 && (withDeleted || !deleted.contains(subject + "/" + (index + 1)))) {
                body.addObject().put("subject", subject).put("version", index + 1);
            }
        });
        reply(exchange, 200, body);
    }

    /** As the registry answers: schemaType only when not AVRO, references only when there are some. */
    private static ObjectNode schemaJson(Stored schema) {
        ObjectNode node = JSON.createObjectNode();
        if (!"AVRO".equals(schema.type())) {
            node.put("schemaType", schema.type());
        }
        node.put("schema", schema.schema());
        if (!schema.references().isEmpty()) {
            ArrayNode references = node.putArray("references");
            schema.references().forEach(r -> references.addObject().put("name", r.name()).put("subject", r.subject())
                    .put("version", r.version()));
        }
        return node;
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", SchemaRegistryClient.CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }
}
