package io.mcst.connector.schema;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A schema as the registry serves and takes it: its type ({@code AVRO}, {@code PROTOBUF}, {@code JSON}), its text
 * and its references.
 */
public record RegistrySchema(String schemaType, String schema, List<SchemaReference> references) {
    /** The registry's type when a response names none. */
    public static final String DEFAULT_TYPE = "AVRO";

    public RegistrySchema {
        requireNonNull(schemaType, "schemaType");
        requireNonNull(schema, "schema");
        references = List.copyOf(references);
    }
}
