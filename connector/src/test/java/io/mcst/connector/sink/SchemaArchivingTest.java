package io.mcst.connector.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.connector.archive.ArchiveLayout;
import io.mcst.connector.format.ArchivedRecord;
import io.mcst.connector.schema.ArchivedSchema;
import io.mcst.connector.schema.AvroWire;
import io.mcst.connector.schema.CustomerRecords;
import io.mcst.connector.schema.SchemaReference;
import io.mcst.connector.schema.SchemaRegistryConfig;
import io.mcst.connector.schema.SchemaRegistryTestServer;
import io.mcst.connector.schema.SubjectVersion;
import io.mcst.replication.ReplicatedStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sink with schema.registry.url: every schema id of the records archived once, the records byte-exact. */
class SchemaArchivingTest {
    private static final TopicPartition P0 = new TopicPartition("customers", 0);
    private static final ArchiveLayout LAYOUT = new ArchiveLayout(SinkConfig.DEFAULT_ARCHIVE_PREFIX);

    private final SchemaRegistryTestServer registry = new SchemaRegistryTestServer(1);
    private final ReplicatedStore memory = SwitchableStore.replicatedMemory();
    private final List<MultiCloudSinkTask> tasks = new ArrayList<>();
    private final CustomerRecords customers = new CustomerRecords(registry);
    private final int addressId = customers.addressId;
    private final int keyId = customers.keyId;
    private final int customerId = customers.customerId;

    @AfterEach
    void stop() {
        tasks.forEach(MultiCloudSinkTask::stop);
        memory.close();
        registry.close();
    }

    private MultiCloudSinkTask start(RecordingContext context) {
        return start(context, registry.url(), Map.of());
    }

    private MultiCloudSinkTask start(RecordingContext context, String url, Map<String, String> more) {
        Map<String, String> props = new HashMap<>(Map.of("stores", "unused-by-the-injected-opener", "flush.size", "10",
                "rotate.schedule.interval.ms", "-1", "schema.registry.url", url));
        props.putAll(more);
        MultiCloudSinkTask task = new MultiCloudSinkTask(ignored -> memory, System::currentTimeMillis);
        task.initialize(context);
        task.start(props);
        tasks.add(task);
        return task;
    }

    private List<SinkRecord> records(long from, long to) {
        return LongStream.range(from, to).mapToObj(offset -> customers.record(P0, offset)).toList();
    }

    private ArchivedSchema archivedSchema(int id) {
        String key = LAYOUT.schemaKey(id);
        return ArchivedSchema.parse(key, memory.get(key).orElseThrow());
    }

    @Test
    void eachSchemaIsArchivedOnceWithItsReferencesAndTheRecordsStayByteExact() {
        MultiCloudSinkTask task = start(new RecordingContext(false));
        task.open(List.of(P0));

        task.put(records(0, 12));
        int requestsAfterFirstBatch = registry.requests();
        task.put(records(12, 25));

        assertThat(registry.requests()).as("each id is looked up once per task").isEqualTo(requestsAfterFirstBatch);
        assertThat(memory.list(SinkConfig.DEFAULT_ARCHIVE_PREFIX + "/" + ArchiveLayout.SCHEMAS_DIRECTORY + "/")).containsExactlyInAnyOrder(
                LAYOUT.schemaKey(addressId), LAYOUT.schemaKey(keyId), LAYOUT.schemaKey(customerId));
        ArchivedSchema customer = archivedSchema(customerId);
        assertThat(customer.subjects()).containsExactly(new SubjectVersion("customers-value", 1));
        assertThat(customer.schema().schema()).isEqualTo(CustomerRecords.CUSTOMER);
        assertThat(customer.schema().references())
                .containsExactly(new SchemaReference("io.example.Address", "io.example.Address", 1));
        assertThat(customer.referenceIds()).containsExactly(addressId);
        assertThat(archivedSchema(addressId).schema().schema()).isEqualTo(CustomerRecords.ADDRESS);
        assertThat(archivedSchema(keyId).subjects()).containsExactly(new SubjectVersion("customers-key", 1));

        MultiCloudSinkTaskTest.awaitUploads(task);
        assertThat(task.preCommit(Map.of(P0, new OffsetAndMetadata(25)))).isEqualTo(Map.of(P0, new OffsetAndMetadata(20)));
        assertArchivedByteExact(20);
    }

    @Test
    void aRegistryOutageRedeliversTheRecordsAndLosesNone() {
        RecordingContext context = new RecordingContext(false);
        MultiCloudSinkTask task = start(context);
        task.open(List.of(P0));
        registry.down(true);

        assertThatThrownBy(() -> task.put(records(0, 10))).isInstanceOf(RetriableException.class);
        assertThat(context.timeoutMs).isPositive();
        assertThat(LAYOUT.segments(memory, P0)).isEmpty();

        registry.down(false);
        task.put(records(0, 10)); // Connect's redelivery
        task.put(records(10, 20));
        MultiCloudSinkTaskTest.awaitUploads(task);

        assertArchivedByteExact(20);
        assertThat(memory.list(SinkConfig.DEFAULT_ARCHIVE_PREFIX + "/" + ArchiveLayout.SCHEMAS_DIRECTORY + "/")).hasSize(3);
    }

    @Test
    void anIdTheRegistryDoesNotKnowLeavesTheRecordArchivedWithoutASchema() {
        MultiCloudSinkTask task = start(new RecordingContext(false));
        task.open(List.of(P0));

        task.put(LongStream.range(0, 10).mapToObj(offset -> customers.record(P0, offset, 999)).toList());
        MultiCloudSinkTaskTest.awaitUploads(task);

        assertThat(LAYOUT.segments(memory, P0)).hasSize(1);
        assertThat(memory.get(LAYOUT.schemaKey(999))).isEmpty();
        assertThat(memory.get(LAYOUT.unknownSchemaKey(999))).as("marked for a replay that rewrites ids").isPresent();
        assertThat(memory.get(LAYOUT.schemaKey(keyId))).isPresent();
    }

    @Test
    void softDeletedVersionsAreArchivedWithTheirSubjects() {
        // Records written before the deletion still carry the ids; the registry still resolves them by id.
        registry.softDelete("customers-key", 1);
        registry.softDelete("io.example.Address", 1);
        MultiCloudSinkTask task = start(new RecordingContext(false));
        task.open(List.of(P0));

        task.put(records(0, 10));
        MultiCloudSinkTaskTest.awaitUploads(task);

        assertThat(archivedSchema(keyId).subjects()).containsExactly(new SubjectVersion("customers-key", 1));
        assertThat(archivedSchema(customerId).referenceIds()).containsExactly(addressId);
        assertThat(archivedSchema(addressId).subjects()).containsExactly(new SubjectVersion("io.example.Address", 1));
        assertArchivedByteExact(10);
    }

    @Test
    void aUrlThatNamesNoRegistryFailsTheTaskInsteadOfMarkingIdsUnknown() {
        MultiCloudSinkTask task = start(new RecordingContext(false), registry.url() + "/not-the-registry", Map.of());
        task.open(List.of(P0));

        assertThatThrownBy(() -> task.put(records(0, 10))).isInstanceOf(ConnectException.class)
                .isNotInstanceOf(RetriableException.class).hasMessageContaining("404")
                .hasMessageContaining(SchemaRegistryConfig.URL_CONFIG);
        assertThat(memory.get(LAYOUT.unknownSchemaKey(keyId))).isEmpty();
        assertThat(LAYOUT.segments(memory, P0)).isEmpty();
    }

    @Test
    void refusedCredentialsFailTheTaskWithoutShowingThemAndArchiveNothing() {
        try (SchemaRegistryTestServer guarded = new SchemaRegistryTestServer(1, "archiver:right-secret")) {
            int keyIdThere = guarded.register("customers-key", "AVRO", CustomerRecords.CUSTOMER_KEY);
            SinkRecord record = new SinkRecord(P0.topic(), P0.partition(), null,
                    AvroWire.encode(keyIdThere, CustomerRecords.key(0)), null, null, 0);
            MultiCloudSinkTask task = start(new RecordingContext(false), guarded.url(),
                    Map.of(SchemaRegistryConfig.USER_INFO_CONFIG, "archiver:wrong-secret"));
            task.open(List.of(P0));

            assertThatThrownBy(() -> task.put(List.of(record)))
                    .isInstanceOf(ConnectException.class).isNotInstanceOf(RetriableException.class)
                    .hasMessageContaining("401").hasMessageContaining(guarded.url())
                    .message().doesNotContain("wrong-secret").doesNotContain("right-secret");
            assertThat(LAYOUT.segments(memory, P0)).isEmpty();
        }
    }

    private void assertArchivedByteExact(long count) {
        List<ArchivedRecord> archived = MultiCloudSinkTaskTest.archived(memory, P0);
        assertThat(archived).extracting(ArchivedRecord::offset)
                .containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        for (ArchivedRecord read : archived) {
            SinkRecord expected = customers.record(P0, read.offset());
            assertThat((byte[]) read.key().value()).isEqualTo((byte[]) expected.key());
            assertThat((byte[]) read.value().value()).isEqualTo((byte[]) expected.value());
        }
    }
}
