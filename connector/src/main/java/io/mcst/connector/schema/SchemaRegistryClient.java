package io.mcst.connector.schema;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.config.types.Password;

/**
 * The few calls of the Schema Registry REST API that archiving and replaying schemas need, over the JDK's HTTP
 * client: a schema by id, the subjects and versions of an id, a schema by subject and version, and registering a
 * schema under a subject. Errors the registry reports become {@link SchemaRegistryException}; no answer, a
 * server error or throttling become {@link SchemaRegistryUnavailableException}. Thread-safe.
 */
public final class SchemaRegistryClient {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final Optional<String> authorization;
    private final HttpClient http;

    /**
     * @param url the registry's base URL, e.g. {@code http://registry:8081}
     * @param userInfo {@code user:password} for HTTP basic authentication, or empty
     */
    public SchemaRegistryClient(String url, Optional<Password> userInfo) {
        String trimmed = requireNonNull(url, "url").endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.base = URI.create(trimmed);
        this.authorization = requireNonNull(userInfo, "userInfo").map(info -> "Basic " + Base64.getEncoder()
                .encodeToString(info.value().getBytes(StandardCharsets.UTF_8)));
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** The schema registered with {@code id}. @throws SchemaRegistryException 404 if there is none */
    public RegistrySchema schemaById(int id) {
        return parseSchema(get("/schemas/ids/" + id));
    }

    /**
     * Every subject and version that {@code id} is registered as.
     *
     * @param includeDeleted whether soft-deleted versions count too: records written before the deletion still
     *     carry the id, and the registry still resolves it for them
     */
    public List<SubjectVersion> versionsOf(int id, boolean includeDeleted) {
        List<SubjectVersion> versions = new ArrayList<>();
        for (JsonNode entry : get("/schemas/ids/" + id + "/versions" + (includeDeleted ? "?deleted=true" : ""))) {
            versions.add(new SubjectVersion(entry.path("subject").asText(), entry.path("version").asInt()));
        }
        return versions;
    }

    /**
     * The id of version {@code version} of {@code subject}, soft-deleted or not (as a deserializer resolves the
     * references of a schema).
     *
     * @throws SchemaRegistryException 404 if there is none
     */
    public int idOf(String subject, int version) {
        return get("/subjects/" + path(subject) + "/versions/" + version + "?deleted=true").path("id").asInt();
    }

    /**
     * Registers {@code schema} under {@code subject} (or finds it there) and returns its id in this registry.
     *
     * @throws SchemaRegistryException 409 if incompatible with the subject's schemas, 422 if invalid
     */
    public int register(String subject, RegistrySchema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.schema());
        if (!RegistrySchema.DEFAULT_TYPE.equals(schema.schemaType())) {
            body.put("schemaType", schema.schemaType());
        }
        if (!schema.references().isEmpty()) {
            ArrayNode references = body.putArray("references");
            for (SchemaReference reference : schema.references()) {
                references.addObject().put("name", reference.name()).put("subject", reference.subject())
                        .put("version", reference.version());
            }
        }
        String path = "/subjects/" + path(subject) + "/versions";
        try {
            return send(request(path).POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), path)
                    .path("id").asInt();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a registration as JSON", e);
        }
    }

    @Override
    public String toString() {
        return "SchemaRegistryClient[" + base + "]"; // never the credentials
    }

    static RegistrySchema parseSchema(JsonNode node) {
        List<SchemaReference> references = new ArrayList<>();
        for (JsonNode reference : node.path("references")) {
            references.add(new SchemaReference(reference.path("name").asText(), reference.path("subject").asText(),
                    reference.path("version").asInt()));
        }
        return new RegistrySchema(node.path("schemaType").asText(RegistrySchema.DEFAULT_TYPE),
                node.path("schema").asText(), references);
    }

    private JsonNode get(String path) {
        return send(request(path).GET(), path);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Accept", CONTENT_TYPE + ", application/json")
                .header("Content-Type", CONTENT_TYPE);
        authorization.ifPresent(value -> builder.header("Authorization", value));
        return builder;
    }

    private JsonNode send(HttpRequest.Builder request, String path) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryUnavailableException("schema registry " + base + " did not answer " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryUnavailableException("interrupted while calling schema registry " + base + path, e);
        }
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status / 100 == 2) {
            return body;
        }
        String message = "schema registry " + base + path + " answered " + status + ": "
                + body.path("message").asText(response.body());
        if (status >= 500 || status == 429 || status == 408) {
            throw new SchemaRegistryUnavailableException(message, null);
        }
        throw new SchemaRegistryException(status, body.path("error_code").asInt(status), message);
    }

    private static JsonNode parse(String body) {
        try {
            return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return JSON.createObjectNode(); // an error page of a proxy, say: the status still says what happened
        }
    }

    private static String path(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
