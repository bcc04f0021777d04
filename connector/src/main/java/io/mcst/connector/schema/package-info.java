/**
 * Schemas of records produced with a Schema Registry serializer: the registry's REST API
 * ({@link io.mcst.connector.schema.SchemaRegistryClient}), the wire format's schema id
 * ({@link io.mcst.connector.schema.WireFormat}), archiving each schema the sink sees
 * ({@link io.mcst.connector.schema.SchemaArchiver}) and registering it in a target registry on replay
 * ({@link io.mcst.connector.schema.SchemaReplicator}).
 */
package io.mcst.connector.schema;
