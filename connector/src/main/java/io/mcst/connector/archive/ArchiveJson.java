package io.mcst.connector.archive;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.connect.errors.DataException;

/**
 * Strict reading and writing of the archive's small JSON documents (consumer group snapshots, replay offset maps):
 * a document is an object with exactly the expected fields of exactly the expected types, no duplicate field, no
 * trailing data. What a blob must not be is "almost right": a restore computes consumer positions from it.
 */
final class ArchiveJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    private ArchiveJson() {}

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static byte[] toBytes(ObjectNode document) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + document + " as JSON", e);
        }
    }

    /** A document that does not read as what it should be; the message names the blob's key. */
    static DataException malformed(String what, String key, String problem) {
        return new DataException(what + " '" + key + "' is malformed: " + problem);
    }

    /** Reads {@code bytes} as one JSON object with exactly the fields {@code fields}. */
    static JsonNode readObject(String what, String key, byte[] bytes, Set<String> fields) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw malformed(what, key, "not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw malformed(what, key, "not JSON (" + e.getMessage() + ")");
        }
        if (root == null || root.isMissingNode()) {
            throw malformed(what, key, "empty");
        }
        checkFields(what, key, root, fields, "the document");
        return root;
    }

    /** Checks that {@code node} is an object with exactly {@code fields}. */
    static void checkFields(String what, String key, JsonNode node, Set<String> fields, String where) {
        if (node == null || !node.isObject()) {
            throw malformed(what, key, where + " is not a JSON object");
        }
        Set<String> present = new TreeSet<>();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            present.add(names.next());
        }
        if (!present.equals(new TreeSet<>(fields))) {
            throw malformed(what, key, where + " has fields " + present + ", expected " + new TreeSet<>(fields));
        }
    }

    static String text(String what, String key, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw malformed(what, key, "'" + field + "' is not a string");
        }
        return value.textValue();
    }

    /** A non-negative integer that fits a long. */
    static long count(String what, String key, JsonNode value, String field) {
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw malformed(what, key, "'" + field + "' is not a non-negative 64-bit integer: " + value);
        }
        return value.longValue();
    }

    /** A non-negative integer that fits an int. */
    static int smallCount(String what, String key, JsonNode value, String field) {
        long count = count(what, key, value, field);
        if (count > Integer.MAX_VALUE) {
            throw malformed(what, key, "'" + field + "' is beyond the 32-bit range: " + count);
        }
        return (int) count;
    }

    static void checkVersion(String what, String key, JsonNode root, int version) {
        JsonNode value = root.get("version");
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() != version) {
            throw malformed(what, key, "version " + value + " is not " + version + ", the version this reader knows");
        }
    }
}
