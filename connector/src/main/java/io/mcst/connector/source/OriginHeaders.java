package io.mcst.connector.source;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.header.ConnectHeaders;

/**
 * Headers that say where a replayed record comes from: its archived topic, partition and offset, and the
 * segment key it was read from, so consumers can translate offsets and audit a replay. Appended after the
 * record's archived headers, as UTF-8 text in bytes values: the header converter a byte-exact replay uses
 * ({@code ByteArrayConverter}) takes bytes only.
 *
 * @param prefix prepended to {@code topic}, {@code partition}, {@code offset} and {@code segment} to name the
 *     headers, e.g. {@code mcst.origin.} gives {@code mcst.origin.topic}
 */
record OriginHeaders(String prefix) {
    OriginHeaders {
        requireNonNull(prefix, "prefix");
    }

    void addTo(ConnectHeaders headers, String topic, int partition, long offset, String segmentKey) {
        headers.addBytes(prefix + "topic", utf8(topic))
                .addBytes(prefix + "partition", utf8(Integer.toString(partition)))
                .addBytes(prefix + "offset", utf8(Long.toString(offset)))
                .addBytes(prefix + "segment", utf8(segmentKey));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
