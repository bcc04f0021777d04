package io.mcst.connector.schema;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Records of a topic produced with a registry's Avro serializer, for the schema tests: a key schema, and a value
 * schema that references another (Address), registered as a producer would. Every fifth value is plain bytes.
 */
public final class CustomerRecords {
    public static final String ADDRESS = """
            {"type":"record","name":"Address","namespace":"io.example","fields":[{"name":"city","type":"string"}]}""";
    public static final String CUSTOMER = """
            {"type":"record","name":"Customer","namespace":"io.example","fields":[{"name":"name","type":"string"},\
            {"name":"address","type":"io.example.Address"}]}""";
    public static final String CUSTOMER_KEY = """
            {"type":"record","name":"CustomerKey","namespace":"io.example","fields":[{"name":"id","type":"long"}]}""";
    public static final SchemaReference ADDRESS_REFERENCE = new SchemaReference("io.example.Address", "io.example.Address", 1);

    public final int addressId;
    public final int keyId;
    public final int customerId;

    /** Registers the three schemas in {@code registry}, as the producer's serializers would. */
    public CustomerRecords(SchemaRegistryTestServer registry) {
        addressId = registry.register("io.example.Address", "AVRO", ADDRESS);
        keyId = registry.register("customers-key", "AVRO", CUSTOMER_KEY);
        customerId = new SchemaRegistryClient(registry.url(), Optional.empty()).register("customers-value",
                new RegistrySchema("AVRO", CUSTOMER, List.of(ADDRESS_REFERENCE)));
    }

    public static GenericRecord key(long offset) {
        GenericRecord key = new GenericData.Record(new Schema.Parser().parse(CUSTOMER_KEY));
        key.put("id", offset);
        return key;
    }

    public static GenericRecord value(long offset) {
        Schema.Parser parser = new Schema.Parser();
        GenericRecord address = new GenericData.Record(parser.parse(ADDRESS));
        address.put("city", "city-" + offset % 3);
        GenericRecord value = new GenericData.Record(parser.parse(CUSTOMER));
        value.put("name", "customer-" + offset);
        value.put("address", address);
        return value;
    }

    /** Whether the value at {@code offset} is in the wire format (else plain bytes). */
    public static boolean serialized(long offset) {
        return offset % 5 != 4;
    }

    public SinkRecord record(TopicPartition partition, long offset) {
        return record(partition, offset, customerId);
    }

    /** The record at {@code offset}, its value naming schema id {@code valueId}. */
    public SinkRecord record(TopicPartition partition, long offset, int valueId) {
        byte[] value = serialized(offset) ? AvroWire.encode(valueId, value(offset))
                : ("plain-" + offset).getBytes(StandardCharsets.UTF_8);
        return new SinkRecord(partition.topic(), partition.partition(), org.apache.kafka.connect.data.Schema.BYTES_SCHEMA,
                AvroWire.encode(keyId, key(offset)), org.apache.kafka.connect.data.Schema.BYTES_SCHEMA, value, offset,
                1_000L * offset, TimestampType.CREATE_TIME);
    }
}
