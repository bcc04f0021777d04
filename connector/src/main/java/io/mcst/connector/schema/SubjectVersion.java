package io.mcst.connector.schema;

import static java.util.Objects.requireNonNull;

/** One registration of a schema: under which subject, as which version. */
public record SubjectVersion(String subject, int version) {
    public SubjectVersion {
        requireNonNull(subject, "subject");
    }
}
