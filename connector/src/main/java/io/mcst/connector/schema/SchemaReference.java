package io.mcst.connector.schema;

import static java.util.Objects.requireNonNull;

/** A schema's reference to another, as the registry names it: the name used in the schema, and subject and version. */
public record SchemaReference(String name, String subject, int version) {
    public SchemaReference {
        requireNonNull(name, "name");
        requireNonNull(subject, "subject");
    }
}
