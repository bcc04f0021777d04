package io.mcst.connector.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientTest {
    static final String ADDRESS = """
            {"type":"record","name":"Address","namespace":"io.example","fields":[{"name":"city","type":"string"}]}""";
    static final String CUSTOMER = """
            {"type":"record","name":"Customer","namespace":"io.example","fields":[{"name":"name","type":"string"},\
            {"name":"address","type":"io.example.Address"}]}""";
    private static final String ORDER_V1 = """
            {"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}""";
    private static final String ORDER_INCOMPATIBLE = """
            {"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"sku","type":"string"}]}""";

    private final SchemaRegistryTestServer server = new SchemaRegistryTestServer(7, "archiver:s3cret");
    private final SchemaRegistryClient client = new SchemaRegistryClient(server.url(),
            Optional.of(new Password("archiver:s3cret")));

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void registersAndReadsBackById() {
        int id = client.register("orders-value", avro(ORDER_V1));

        assertThat(id).isEqualTo(7);
        assertThat(client.schemaById(id)).isEqualTo(avro(ORDER_V1));
        assertThat(client.versionsOf(id, false)).containsExactly(new SubjectVersion("orders-value", 1));
        assertThat(client.idOf("orders-value", 1)).isEqualTo(id);
        assertThat(client.register("orders-value", avro(ORDER_V1))).as("the same schema again: its id").isEqualTo(id);
    }

    @Test
    void referencesGoBothWays() {
        int address = client.register("io.example.Address", avro(ADDRESS));
        RegistrySchema customer = new RegistrySchema("AVRO", CUSTOMER,
                List.of(new SchemaReference("io.example.Address", "io.example.Address", 1)));

        int id = client.register("customers-value", customer);

        assertThat(id).isNotEqualTo(address);
        assertThat(client.schemaById(id)).isEqualTo(customer);
    }

    @Test
    void otherSchemaTypesKeepTheirType() {
        RegistrySchema json = new RegistrySchema("JSON", "{\"type\":\"object\"}", List.of());

        assertThat(client.schemaById(client.register("events-value", json))).isEqualTo(json);
    }

    @Test
    void anUnknownIdIs404() {
        assertThatThrownBy(() -> client.schemaById(99)).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.errorCode()).isEqualTo(40403);
        });
        assertThatThrownBy(() -> client.idOf("nobody", 1)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(40401));
    }

    @Test
    void anIncompatibleSchemaIs409() {
        client.register("orders-value", avro(ORDER_V1));

        assertThatThrownBy(() -> client.register("orders-value", avro(ORDER_INCOMPATIBLE)))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageContaining("incompatible");
    }

    @Test
    void anInvalidSchemaIs422() {
        assertThatThrownBy(() -> client.register("orders-value", avro("{\"type\":\"record\"}")))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(42201));
    }

    @Test
    void wrongCredentialsAreRefusedAndNeverShown() {
        SchemaRegistryClient wrong = new SchemaRegistryClient(server.url() + "/", Optional.of(new Password("archiver:guess")));

        assertThatThrownBy(() -> wrong.schemaById(7)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.status()).isEqualTo(401)).message().doesNotContain("guess");
        assertThat(wrong.toString()).doesNotContain("guess");
        assertThatThrownBy(() -> new SchemaRegistryClient(server.url(), Optional.empty()).schemaById(7))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void anOutageIsRetriable() {
        server.down(true);
        assertThatThrownBy(() -> client.schemaById(7)).isInstanceOf(SchemaRegistryUnavailableException.class);
        server.close();
        assertThatThrownBy(() -> client.schemaById(7)).isInstanceOf(SchemaRegistryUnavailableException.class);
    }

    static RegistrySchema avro(String schema) {
        return new RegistrySchema("AVRO", schema, List.of());
    }
}
