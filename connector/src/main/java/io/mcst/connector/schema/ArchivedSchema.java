package io.mcst.connector.schema;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * A schema as the archive keeps it, one JSON document per schema id: the id in the source registry, every subject
 * and version it was registered as there, and the schema with its references, each reference also naming the id
 * of the schema it resolved to (archived too), so a replay can register it first.
 */
public record ArchivedSchema(int id, List<SubjectVersion> subjects, RegistrySchema schema, List<Integer> referenceIds) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ArchivedSchema {
        subjects = List.copyOf(subjects);
        requireNonNull(schema, "schema");
        referenceIds = List.copyOf(referenceIds);
        if (referenceIds.size() != schema.references().size()) {
            throw new IllegalArgumentException("one id per reference: " + referenceIds + " for " + schema.references());
        }
    }

    public byte[] toBytes() {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        var subjectsNode = root.putArray("subjects");
        subjects.forEach(s -> subjectsNode.addObject().put("subject", s.subject()).put("version", s.version()));
        root.put("schemaType", schema.schemaType());
        root.put("schema", schema.schema());
        var references = root.putArray("references");
        for (int i = 0; i < referenceIds.size(); i++) {
            SchemaReference reference = schema.references().get(i);
            references.addObject().put("name", reference.name()).put("subject", reference.subject())
                    .put("version", reference.version()).put("id", referenceIds.get(i));
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write schema " + id + " as JSON", e);
        }
    }

    /** @throws ConnectException naming {@code key} when the blob is not an archived schema */
    public static ArchivedSchema parse(String key, byte[] bytes) {
        try {
            JsonNode root = JSON.readTree(bytes);
            if (!root.path("id").isInt() || !root.path("schema").isTextual()) {
                throw new IOException("no id or schema");
            }
            List<SubjectVersion> subjects = new ArrayList<>();
            for (JsonNode s : root.path("subjects")) {
                subjects.add(new SubjectVersion(s.path("subject").asText(), s.path("version").asInt()));
            }
            List<Integer> referenceIds = new ArrayList<>();
            for (JsonNode reference : root.path("references")) {
                referenceIds.add(reference.path("id").asInt());
            }
            return new ArchivedSchema(root.path("id").asInt(), subjects, SchemaRegistryClient.parseSchema(root),
                    referenceIds);
        } catch (IOException | RuntimeException e) {
            throw new ConnectException("archived schema '" + key + "' is not readable ("
                    + new String(bytes, 0, Math.min(bytes.length, 80), StandardCharsets.UTF_8) + "): " + e.getMessage(), e);
        }
    }
}
