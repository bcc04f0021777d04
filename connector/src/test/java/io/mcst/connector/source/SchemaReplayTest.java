package io.mcst.connector.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.format.RecordFormats;
import io.mcst.connector.schema.AvroWire;
import io.mcst.connector.schema.CustomerRecords;
import io.mcst.connector.schema.RegistrySchema;
import io.mcst.connector.schema.SchemaArchiver;
import io.mcst.connector.schema.SchemaReference;
import io.mcst.connector.schema.SchemaRegistryClient;
import io.mcst.connector.schema.SchemaRegistryException;
import io.mcst.connector.schema.SchemaRegistryTestServer;
import io.mcst.connector.schema.SchemaReplicator;
import io.mcst.connector.schema.SubjectVersion;
import io.mcst.connector.schema.WireFormat;
import io.mcst.stores.memory.MemoryStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A schema'd topic archived with its schemas (by the sink's {@link SchemaArchiver}) and replayed with a target
 * registry that assigns different ids: the schemas are registered there under the same subjects, and each record
 * decodes, with plain Avro and the schema the target registry returns for its id, to the original value.
 */
class SchemaReplayTest {
    private static final TopicPartition P0 = new TopicPartition("customers", 0);
    private static final int RECORDS = 25;

    private final SchemaRegistryTestServer source = new SchemaRegistryTestServer(1);
    private final SchemaRegistryTestServer target = new SchemaRegistryTestServer(500, "replayer:pw");
    private final SchemaRegistryClient targetClient = new SchemaRegistryClient(target.url(),
            Optional.of(new org.apache.kafka.common.config.types.Password("replayer:pw")));
    private final MemoryStore store = new MemoryStore("archive");
    private final ArchiveFixture archive = new ArchiveFixture(store);
    private final CustomerRecords customers = new CustomerRecords(source);
    private final List<SinkRecord> produced = LongStream.range(0, RECORDS).mapToObj(o -> customers.record(P0, o)).toList();

    SchemaReplayTest() {
        produced.forEach(record -> record.headers().addBytes("trace", utf8("trace-" + record.kafkaOffset())));
        // The target already holds another schema, so ids differ even in order.
        target.register("unrelated-value", "AVRO", "\"string\"");
        new SchemaArchiver(store, archive.layout, new SchemaRegistryClient(source.url(), Optional.empty()))
                .archive(produced);
        archive.append(RecordFormats.ENVELOPE, produced.subList(0, 10));
        archive.append(RecordFormats.ENVELOPE, produced.subList(10, RECORDS));
    }

    @AfterEach
    void stop() {
        source.close();
        target.close();
    }

    private PartitionReplay replay(boolean rewrite) {
        return replay(rewrite, Optional.empty());
    }

    private PartitionReplay replay(boolean rewrite, Optional<OriginHeaders> origin) {
        return new PartitionReplay(P0, "customers-restored", archive.layout, store,
                SegmentReader.forFormat(SourceConfig.FORMAT_AUTO), ReplayBounds.ALL, true, origin, 10_000,
                Optional.empty(), new SchemaReplicator(store, archive.layout, targetClient, rewrite));
    }

    private static List<SourceRecord> drain(PartitionReplay replay, long now) {
        List<SourceRecord> out = new ArrayList<>();
        do {
            replay.poll(out, 10_000, now);
        } while (replay.notBeforeMs() <= now);
        return out;
    }

    @Test
    void withRewriteEveryRecordCarriesTheTargetsIdAndDecodesToTheOriginal() {
        List<SourceRecord> replayed = drain(replay(true), 0);

        assertThat(replayed).hasSize(RECORDS);
        int targetCustomerId = targetClient.idOf("customers-value", 1);
        assertThat(targetCustomerId).isNotEqualTo(customers.customerId);
        assertThat(targetClient.schemaById(targetCustomerId).references())
                .containsExactly(CustomerRecords.ADDRESS_REFERENCE);
        for (int i = 0; i < RECORDS; i++) {
            byte[] key = (byte[]) replayed.get(i).key();
            byte[] value = (byte[]) replayed.get(i).value();
            assertThat(WireFormat.schemaId(key)).hasValue(targetClient.idOf("customers-key", 1));
            assertThat(AvroWire.decode(key, targetSchema(WireFormat.schemaId(key).getAsInt())))
                    .isEqualTo(CustomerRecords.key(i));
            if (CustomerRecords.serialized(i)) {
                assertThat(WireFormat.schemaId(value)).hasValue(targetCustomerId);
                assertThat(AvroWire.decode(value, targetSchema(targetCustomerId))).isEqualTo(CustomerRecords.value(i));
            } else {
                assertThat(value).isEqualTo((byte[]) produced.get(i).value());
            }
        }
    }

    @Test
    void withoutRewriteTheSchemasAreRegisteredAndTheBytesStayExact() {
        List<SourceRecord> replayed = drain(replay(false), 0);

        assertThat(replayed).hasSize(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            assertThat((byte[]) replayed.get(i).key()).isEqualTo((byte[]) produced.get(i).key());
            assertThat((byte[]) replayed.get(i).value()).isEqualTo((byte[]) produced.get(i).value());
            assertThat(replayed.get(i).headers()).hasSize(1);
            assertThat((byte[]) replayed.get(i).headers().lastWithName("trace").value()).isEqualTo(utf8("trace-" + i));
        }
        assertThat(targetClient.versionsOf(targetClient.idOf("customers-value", 1), false)).hasSize(1);
        assertThat(targetClient.idOf("io.example.Address", 1)).isNotEqualTo(customers.addressId);
    }

    @Test
    void aTargetRegistryOutageDelaysTheReplayAndLosesNothing() {
        PartitionReplay replay = replay(true);
        target.down(true);

        List<SourceRecord> replayed = new ArrayList<>(drain(replay, 0));
        assertThat(replayed).isEmpty();
        assertThat(replay.notBeforeMs()).isPositive();

        target.down(false);
        replayed.addAll(drain(replay, replay.notBeforeMs()));

        assertThat(replayed).extracting(r -> (Object) AvroWire.decode((byte[]) r.key(),
                        targetSchema(WireFormat.schemaId((byte[]) r.key()).getAsInt())).get("id"))
                .as("every record once, in order").containsExactlyElementsOf(
                        LongStream.range(0, RECORDS).boxed().map(Object.class::cast).toList());
    }

    @Test
    void subjectsOfOtherNamingStrategiesAreTakenFromTheRegistryAndKept() {
        // RecordNameStrategy and TopicRecordNameStrategy: subjects that are not <topic>-value, one id under both.
        String event = """
                {"type":"record","name":"Event","namespace":"io.example","fields":[{"name":"kind","type":"string"}]}""";
        int eventId = source.register("io.example.Event", "AVRO", event);
        assertThat(source.register("events-io.example.Event", "AVRO", event)).isEqualTo(eventId);
        TopicPartition events = new TopicPartition("events", 0);
        List<SinkRecord> produced = LongStream.range(0, 3).mapToObj(offset -> {
            GenericRecord value = new GenericData.Record(new Schema.Parser().parse(event));
            value.put("kind", "kind-" + offset);
            return new SinkRecord("events", 0, null, null, org.apache.kafka.connect.data.Schema.BYTES_SCHEMA,
                    AvroWire.encode(eventId, value), offset);
        }).toList();
        new SchemaArchiver(store, archive.layout, new SchemaRegistryClient(source.url(), Optional.empty())).archive(produced);
        archive.append(RecordFormats.ENVELOPE, produced);

        List<SourceRecord> replayed = drain(replayOf(events, true), 0);

        int targetId = targetClient.idOf("io.example.Event", 1);
        assertThat(targetId).isNotEqualTo(eventId);
        assertThat(targetClient.versionsOf(targetId, false)).containsExactlyInAnyOrder(
                new SubjectVersion("io.example.Event", 1), new SubjectVersion("events-io.example.Event", 1));
        assertThatThrownBy(() -> targetClient.idOf("events-value", 1)).as("nothing under the topic's own subject")
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThat(replayed).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(WireFormat.schemaId((byte[]) replayed.get(i).value())).hasValue(targetId);
            assertThat(AvroWire.decode((byte[]) replayed.get(i).value(), targetSchema(targetId)).get("kind"))
                    .hasToString("kind-" + i);
        }
    }

    @Test
    void aSubjectsVersionsAreRegisteredInTheSourcesOrderWhicheverRecordComesFirst() {
        // v2 drops a field v1 has without a default: the source accepted v2 after v1 (v2 reads v1's data), but v1
        // after v2 would be refused. The partition holds a v2 record first (a producer rolled out v2 early).
        String v1 = """
                {"type":"record","name":"Payment","namespace":"io.example","fields":[{"name":"amount","type":"long"},\
                {"name":"legacy","type":"string"}]}""";
        String v2 = """
                {"type":"record","name":"Payment","namespace":"io.example","fields":[{"name":"amount","type":"long"}]}""";
        int v1Id = source.register("payments-value", "AVRO", v1);
        int v2Id = source.register("payments-value", "AVRO", v2);
        TopicPartition payments = new TopicPartition("payments", 0);
        GenericRecord second = new GenericData.Record(new Schema.Parser().parse(v2));
        second.put("amount", 2L);
        GenericRecord first = new GenericData.Record(new Schema.Parser().parse(v1));
        first.put("amount", 1L);
        first.put("legacy", "x");
        List<SinkRecord> produced = List.of(
                new SinkRecord("payments", 0, null, null, null, AvroWire.encode(v2Id, second), 0),
                new SinkRecord("payments", 0, null, null, null, AvroWire.encode(v1Id, first), 1));
        new SchemaArchiver(store, archive.layout, new SchemaRegistryClient(source.url(), Optional.empty())).archive(produced);
        archive.append(RecordFormats.ENVELOPE, produced);

        List<SourceRecord> replayed = drain(replayOf(payments, true), 0);

        assertThat(targetClient.schemaById(targetClient.idOf("payments-value", 1)).schema()).isEqualTo(v1);
        assertThat(targetClient.schemaById(targetClient.idOf("payments-value", 2)).schema()).isEqualTo(v2);
        assertThat(replayed).hasSize(2);
        assertThat(AvroWire.decode((byte[]) replayed.get(0).value(), targetSchema(targetClient.idOf("payments-value", 2))))
                .isEqualTo(second);
        assertThat(AvroWire.decode((byte[]) replayed.get(1).value(), targetSchema(targetClient.idOf("payments-value", 1))))
                .isEqualTo(first);
    }

    @Test
    void longKeysThatMerelyLookLikeTheWireFormatReplayAsArchivedWhileValueIdsAreRewritten() {
        // A long serializer's key below 2^56 starts with a zero byte: to the wire format, schema id 0 and more.
        TopicPartition accounts = new TopicPartition("accounts", 0);
        List<SinkRecord> produced = LongStream.range(0, 5).mapToObj(offset -> new SinkRecord("accounts", 0,
                org.apache.kafka.connect.data.Schema.BYTES_SCHEMA, ByteBuffer.allocate(8).putLong(offset).array(),
                org.apache.kafka.connect.data.Schema.BYTES_SCHEMA,
                AvroWire.encode(customers.customerId, CustomerRecords.value(offset)), offset)).toList();
        new SchemaArchiver(store, archive.layout, new SchemaRegistryClient(source.url(), Optional.empty())).archive(produced);
        archive.append(RecordFormats.ENVELOPE, produced);

        List<SourceRecord> replayed = drain(replayOf(accounts, true), 0);

        assertThat(replayed).hasSize(5);
        int targetCustomerId = targetClient.idOf("customers-value", 1);
        for (int i = 0; i < 5; i++) {
            assertThat((byte[]) replayed.get(i).key()).isEqualTo((byte[]) produced.get(i).key());
            assertThat(AvroWire.decode((byte[]) replayed.get(i).value(), targetSchema(targetCustomerId)))
                    .isEqualTo(CustomerRecords.value(i));
        }
    }

    @Test
    void rewritingAnIdTheSinkNeverLookedUpFailsNamingIt() {
        // Archived by a sink without schema.registry.url: the archive cannot tell what id 4242 was.
        TopicPartition other = new TopicPartition("other", 0);
        archive.append(RecordFormats.ENVELOPE, List.of(new SinkRecord("other", 0, null, null,
                org.apache.kafka.connect.data.Schema.BYTES_SCHEMA, AvroWire.encode(4242, CustomerRecords.value(0)), 0)));

        assertThatThrownBy(() -> drain(replayOf(other, true), 0)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("id 4242").hasMessageContaining("schema.registry.url");
        assertThat(drain(replayOf(other, false), 0)).as("without rewriting: as archived").hasSize(1);
    }

    private PartitionReplay replayOf(TopicPartition partition, boolean rewrite) {
        return new PartitionReplay(partition, partition.topic(), archive.layout, store,
                SegmentReader.forFormat(SourceConfig.FORMAT_AUTO), ReplayBounds.ALL, true, Optional.empty(), 10_000,
                Optional.empty(), new SchemaReplicator(store, archive.layout, targetClient, rewrite));
    }

    @Test
    void originHeadersAndRewrittenIdsCompose() {
        PartitionReplay replay = replay(true, Optional.of(new OriginHeaders("origin.")));
        // An outage first: the record whose schema could not be registered is passed again, and gets its headers
        // only then, once.
        target.down(true);
        List<SourceRecord> replayed = new ArrayList<>(drain(replay, 0));
        target.down(false);
        replayed.addAll(drain(replay, replay.notBeforeMs()));

        assertThat(replayed).hasSize(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            SourceRecord record = replayed.get(i);
            byte[] key = (byte[]) record.key();
            assertThat(WireFormat.schemaId(key)).hasValue(targetClient.idOf("customers-key", 1));
            assertThat(AvroWire.decode(key, targetSchema(WireFormat.schemaId(key).getAsInt())))
                    .isEqualTo(CustomerRecords.key(i));
            List<String> names = new ArrayList<>();
            record.headers().forEach(header -> names.add(header.key()));
            assertThat(names).containsExactly("trace", "origin.topic", "origin.partition", "origin.offset",
                    "origin.segment");
            assertThat((byte[]) record.headers().lastWithName("trace").value()).isEqualTo(utf8("trace-" + i));
            assertThat((byte[]) record.headers().lastWithName("origin.topic").value()).isEqualTo(utf8("customers"));
            assertThat((byte[]) record.headers().lastWithName("origin.offset").value()).isEqualTo(utf8(Integer.toString(i)));
        }
    }

    @Test
    void anIncompatibleTargetSubjectFailsClearly() {
        target.register("customers-key", "AVRO", """
                {"type":"record","name":"CustomerKey","namespace":"io.example","fields":[{"name":"id","type":"string"}]}""");

        assertThatThrownBy(() -> drain(replay(false), 0)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("customers-key").hasMessageContaining("incompatible");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The schema the target registry returns for {@code id}, its references parsed first, as a deserializer does. */
    private Schema targetSchema(int id) {
        RegistrySchema schema = targetClient.schemaById(id);
        Schema.Parser parser = new Schema.Parser();
        for (SchemaReference reference : schema.references()) {
            parser.parse(targetClient.schemaById(targetClient.idOf(reference.subject(), reference.version())).schema());
        }
        return parser.parse(schema.schema());
    }
}
