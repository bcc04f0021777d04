package io.mcst.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * Connect data (what the avro and json formats read back: structs, maps, lists, primitives) as JSON, for
 * exports: structs and maps as objects, bytes as base64, decimals as numbers, dates as epoch milliseconds.
 */
final class ConnectJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConnectJson() {}

    static JsonNode of(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Struct struct) {
            ObjectNode object = NODES.objectNode();
            for (Field field : struct.schema().fields()) {
                object.set(field.name(), of(struct.get(field)));
            }
            return object;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            map.forEach((k, v) -> object.set(String.valueOf(k), of(v)));
            return object;
        }
        if (value instanceof Collection<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(item -> array.add(of(item)));
            return array;
        }
        if (value instanceof byte[] bytes) {
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return NODES.numberNode(((Number) value).longValue());
        }
        if (value instanceof Float || value instanceof Double) {
            return NODES.numberNode(((Number) value).doubleValue());
        }
        if (value instanceof BigDecimal decimal) {
            return NODES.numberNode(decimal);
        }
        if (value instanceof Date date) {
            return NODES.numberNode(date.getTime());
        }
        return NODES.textNode(value.toString());
    }
}
