package io.mcst.connector.format;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Our mapping between Connect data and Avro, both ways, for {@code format=avro}.
 *
 * <ul>
 *   <li>int8, int16 → int with {@code connect.type}; int32 → int; int64 → long; float32/64 → float/double;
 *       boolean, string, bytes as such; optional → union of null and the type, default null.
 *   <li>struct → record: the Avro name is the Connect name where it is a valid Avro name, else derived from
 *       the field path; the Connect name is kept in {@code connect.name}.
 *   <li>array → array; map with string keys → map; other maps → array of {@code key}/{@code value}
 *       records marked {@code connect.type=map}.
 *   <li>Decimal → bytes with the decimal logical type (scale; precision from
 *       {@code connect.decimal.precision}, else {@value #DEFAULT_DECIMAL_PRECISION}); Date → int date;
 *       Time → int time-millis; Timestamp → long timestamp-millis.
 * </ul>
 *
 * Not kept: Connect default values (other than null for optional fields), docs, schema versions and
 * parameters other than the decimal's.
 */
final class AvroData {
    static final int DEFAULT_DECIMAL_PRECISION = 64;
    private static final String CONNECT_TYPE = "connect.type";
    private static final String CONNECT_NAME = "connect.name";
    private static final String DECIMAL_PRECISION = "connect.decimal.precision";
    private static final String NAMESPACE = "io.mcst.avro";
    private static final Pattern AVRO_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern AVRO_FULL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
    private static final long MILLIS_PER_DAY = TimeUnit.DAYS.toMillis(1);

    private AvroData() {}

    // ---- Connect → Avro ----------------------------------------------------------------------------

    /** The Avro schema for values of {@code schema}. @throws DataException if it has no Avro form */
    static org.apache.avro.Schema toAvroSchema(Schema schema) {
        return new SchemaMapper().map(schema, "Value");
    }

    /** One conversion: remembers the records it named, since Avro defines each name once per schema. */
    private static final class SchemaMapper {
        private final Map<String, Schema> connectByAvroName = new HashMap<>();
        private final Map<String, org.apache.avro.Schema> avroByName = new HashMap<>();

        org.apache.avro.Schema map(Schema schema, String path) {
            org.apache.avro.Schema avro = mapRequired(schema, path);
            return schema.isOptional()
                    ? org.apache.avro.Schema.createUnion(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL), avro)
                    : avro;
        }

        private org.apache.avro.Schema mapRequired(Schema schema, String path) {
            String name = schema.name();
            if (Decimal.LOGICAL_NAME.equals(name)) {
                int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
                String precision = schema.parameters() == null ? null : schema.parameters().get(DECIMAL_PRECISION);
                int p = precision == null ? Math.max(DEFAULT_DECIMAL_PRECISION, scale) : Integer.parseInt(precision);
                return LogicalTypes.decimal(p, scale).addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BYTES));
            }
            if (Date.LOGICAL_NAME.equals(name)) {
                return LogicalTypes.date().addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT));
            }
            if (Time.LOGICAL_NAME.equals(name)) {
                return LogicalTypes.timeMillis().addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT));
            }
            if (Timestamp.LOGICAL_NAME.equals(name)) {
                return LogicalTypes.timestampMillis().addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG));
            }
            return switch (schema.type()) {
                case INT8, INT16 -> {
                    org.apache.avro.Schema avro = org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT);
                    avro.addProp(CONNECT_TYPE, schema.type().getName());
                    yield avro;
                }
                case INT32 -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT);
                case INT64 -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG);
                case FLOAT32 -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.FLOAT);
                case FLOAT64 -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.DOUBLE);
                case BOOLEAN -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BOOLEAN);
                case STRING -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING);
                case BYTES -> org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BYTES);
                case ARRAY -> org.apache.avro.Schema.createArray(map(schema.valueSchema(), path + "_item"));
                case MAP -> mapMap(schema, path);
                case STRUCT -> mapStruct(schema, path);
            };
        }

        private org.apache.avro.Schema mapMap(Schema schema, String path) {
            if (schema.keySchema().type() == Schema.Type.STRING && !schema.keySchema().isOptional()
                    && schema.keySchema().name() == null) {
                return org.apache.avro.Schema.createMap(map(schema.valueSchema(), path + "_value"));
            }
            String entryName = NAMESPACE + "." + path + "_entry";
            org.apache.avro.Schema entry = org.apache.avro.Schema.createRecord(entryName, null, null, false, List.of(
                    new org.apache.avro.Schema.Field("key", map(schema.keySchema(), path + "_key")),
                    new org.apache.avro.Schema.Field("value", map(schema.valueSchema(), path + "_value"))));
            define(entryName, schema, entry);
            org.apache.avro.Schema array = org.apache.avro.Schema.createArray(entry);
            array.addProp(CONNECT_TYPE, "map");
            return array;
        }

        private org.apache.avro.Schema mapStruct(Schema schema, String path) {
            String connectName = schema.name();
            String avroName = connectName != null && AVRO_FULL_NAME.matcher(connectName).matches()
                    ? connectName : NAMESPACE + "." + path;
            Schema previous = connectByAvroName.get(avroName);
            if (previous != null) {
                if (!sameStruct(previous, schema)) {
                    throw new DataException("avro format: two different structs are both named '" + avroName + "'");
                }
                return avroByName.get(avroName);
            }
            List<org.apache.avro.Schema.Field> fields = new ArrayList<>();
            for (Field field : schema.fields()) {
                if (!AVRO_NAME.matcher(field.name()).matches()) {
                    throw new DataException("avro format: field '" + field.name() + "' of " + path
                            + " is not a valid Avro name ([A-Za-z_][A-Za-z0-9_]*)");
                }
                org.apache.avro.Schema fieldSchema = map(field.schema(), path + "_" + field.name());
                Object defaultValue = field.schema().isOptional() ? JsonProperties.NULL_VALUE : null;
                fields.add(new org.apache.avro.Schema.Field(field.name(), fieldSchema, null, defaultValue));
            }
            org.apache.avro.Schema record = org.apache.avro.Schema.createRecord(avroName, null, null, false, fields);
            if (connectName != null) {
                record.addProp(CONNECT_NAME, connectName);
            }
            define(avroName, schema, record);
            return record;
        }

        private void define(String avroName, Schema connect, org.apache.avro.Schema avro) {
            if (connectByAvroName.putIfAbsent(avroName, connect) != null) {
                throw new DataException("avro format: two types would both be named '" + avroName + "'");
            }
            avroByName.put(avroName, avro);
        }

        /** Same struct up to optionality, which the Avro union around the record carries. */
        private static boolean sameStruct(Schema a, Schema b) {
            return Objects.equals(a.name(), b.name()) && a.fields().equals(b.fields());
        }
    }

    /** The Avro datum for {@code value} of {@code schema} (whose Avro form is {@code avro}). */
    static Object toAvroValue(Schema schema, org.apache.avro.Schema avro, Object value) {
        if (value == null) {
            if (!schema.isOptional()) {
                throw new DataException("avro format: a required value of type " + schema.type() + " is null");
            }
            return null;
        }
        org.apache.avro.Schema branch = schema.isOptional() ? avro.getTypes().get(1) : avro;
        String name = schema.name();
        if (Decimal.LOGICAL_NAME.equals(name)) {
            BigDecimal decimal = (BigDecimal) value;
            int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
            if (decimal.scale() != scale) {
                throw new DataException("avro format: decimal " + decimal + " does not have scale " + scale);
            }
            return ByteBuffer.wrap(decimal.unscaledValue().toByteArray());
        }
        if (Date.LOGICAL_NAME.equals(name)) {
            return (int) Math.floorDiv(((java.util.Date) value).getTime(), MILLIS_PER_DAY);
        }
        if (Time.LOGICAL_NAME.equals(name)) {
            return (int) ((java.util.Date) value).getTime();
        }
        if (Timestamp.LOGICAL_NAME.equals(name)) {
            return ((java.util.Date) value).getTime();
        }
        return switch (schema.type()) {
            case INT8, INT16 -> ((Number) value).intValue();
            case INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING -> value;
            case BYTES -> value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value;
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                for (Object item : (List<?>) value) {
                    items.add(toAvroValue(schema.valueSchema(), branch.getElementType(), item));
                }
                yield items;
            }
            case MAP -> {
                if (branch.getType() == org.apache.avro.Schema.Type.MAP) {
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                        map.put((String) e.getKey(), toAvroValue(schema.valueSchema(), branch.getValueType(), e.getValue()));
                    }
                    yield map;
                }
                org.apache.avro.Schema entrySchema = branch.getElementType();
                List<Object> entries = new ArrayList<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    GenericRecord entry = new GenericData.Record(entrySchema);
                    entry.put("key", toAvroValue(schema.keySchema(), entrySchema.getField("key").schema(), e.getKey()));
                    entry.put("value", toAvroValue(schema.valueSchema(), entrySchema.getField("value").schema(), e.getValue()));
                    entries.add(entry);
                }
                yield entries;
            }
            case STRUCT -> {
                Struct struct = (Struct) value;
                GenericRecord record = new GenericData.Record(branch);
                for (Field field : schema.fields()) {
                    record.put(field.name(), toAvroValue(field.schema(), branch.getField(field.name()).schema(),
                            struct.get(field)));
                }
                yield record;
            }
        };
    }

    // ---- Avro → Connect ----------------------------------------------------------------------------

    /** The Connect schema of values written with {@code avro} (the inverse of {@link #toAvroSchema}). */
    static Schema toConnectSchema(org.apache.avro.Schema avro) {
        return toConnect(avro, new HashMap<>());
    }

    private static Schema toConnect(org.apache.avro.Schema avro, Map<String, Schema> records) {
        if (avro.getType() == org.apache.avro.Schema.Type.UNION) {
            List<org.apache.avro.Schema> types = avro.getTypes();
            if (types.size() != 2 || types.get(0).getType() != org.apache.avro.Schema.Type.NULL) {
                throw new DataException("avro format: only unions of null and one type are supported: " + avro);
            }
            return optional(toConnect(types.get(1), records));
        }
        org.apache.avro.LogicalType logical = avro.getLogicalType();
        if (logical instanceof LogicalTypes.Decimal decimal) {
            SchemaBuilder builder = Decimal.builder(decimal.getScale());
            builder.parameter(DECIMAL_PRECISION, Integer.toString(decimal.getPrecision()));
            return builder.build();
        }
        if (logical instanceof LogicalTypes.Date) {
            return Date.SCHEMA;
        }
        if (logical instanceof LogicalTypes.TimeMillis) {
            return Time.SCHEMA;
        }
        if (logical instanceof LogicalTypes.TimestampMillis) {
            return Timestamp.SCHEMA;
        }
        String connectType = avro.getProp(CONNECT_TYPE);
        return switch (avro.getType()) {
            case INT -> "int8".equals(connectType) ? Schema.INT8_SCHEMA
                    : "int16".equals(connectType) ? Schema.INT16_SCHEMA : Schema.INT32_SCHEMA;
            case LONG -> Schema.INT64_SCHEMA;
            case FLOAT -> Schema.FLOAT32_SCHEMA;
            case DOUBLE -> Schema.FLOAT64_SCHEMA;
            case BOOLEAN -> Schema.BOOLEAN_SCHEMA;
            case STRING -> Schema.STRING_SCHEMA;
            case BYTES -> Schema.BYTES_SCHEMA;
            case ARRAY -> {
                if ("map".equals(connectType)) {
                    org.apache.avro.Schema entry = avro.getElementType();
                    yield SchemaBuilder.map(toConnect(entry.getField("key").schema(), records),
                            toConnect(entry.getField("value").schema(), records)).build();
                }
                yield SchemaBuilder.array(toConnect(avro.getElementType(), records)).build();
            }
            case MAP -> SchemaBuilder.map(Schema.STRING_SCHEMA, toConnect(avro.getValueType(), records)).build();
            case RECORD -> {
                Schema known = records.get(avro.getFullName());
                if (known != null) {
                    yield known;
                }
                SchemaBuilder struct = SchemaBuilder.struct();
                String connectName = avro.getProp(CONNECT_NAME);
                if (connectName != null) {
                    struct.name(connectName);
                }
                for (org.apache.avro.Schema.Field field : avro.getFields()) {
                    struct.field(field.name(), toConnect(field.schema(), records));
                }
                Schema built = struct.build();
                records.put(avro.getFullName(), built);
                yield built;
            }
            default -> throw new DataException("avro format: Avro type " + avro.getType() + " has no Connect form");
        };
    }

    private static Schema optional(Schema schema) {
        SchemaBuilder builder = switch (schema.type()) {
            case ARRAY -> SchemaBuilder.array(schema.valueSchema());
            case MAP -> SchemaBuilder.map(schema.keySchema(), schema.valueSchema());
            case STRUCT -> {
                SchemaBuilder struct = SchemaBuilder.struct();
                schema.fields().forEach(field -> struct.field(field.name(), field.schema()));
                yield struct;
            }
            default -> SchemaBuilder.type(schema.type());
        };
        if (schema.name() != null) {
            builder.name(schema.name());
        }
        if (schema.version() != null) {
            builder.version(schema.version());
        }
        if (schema.parameters() != null) {
            builder.parameters(schema.parameters());
        }
        return builder.optional().build();
    }

    /** The Connect value of the Avro datum {@code datum} of a value whose Connect schema is {@code schema}. */
    static Object toConnectValue(Schema schema, Object datum) {
        if (datum == null) {
            return null;
        }
        String name = schema.name();
        if (Decimal.LOGICAL_NAME.equals(name)) {
            ByteBuffer buffer = ((ByteBuffer) datum).duplicate();
            byte[] unscaled = new byte[buffer.remaining()];
            buffer.get(unscaled);
            return new BigDecimal(new BigInteger(unscaled), Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD)));
        }
        if (Date.LOGICAL_NAME.equals(name)) {
            return new java.util.Date(((Integer) datum) * MILLIS_PER_DAY);
        }
        if (Time.LOGICAL_NAME.equals(name)) {
            return new java.util.Date((Integer) datum);
        }
        if (Timestamp.LOGICAL_NAME.equals(name)) {
            return new java.util.Date((Long) datum);
        }
        return switch (schema.type()) {
            case INT8 -> ((Integer) datum).byteValue();
            case INT16 -> ((Integer) datum).shortValue();
            case INT32, INT64, FLOAT32, FLOAT64, BOOLEAN -> datum;
            case STRING -> datum.toString();
            case BYTES -> {
                ByteBuffer buffer = ((ByteBuffer) datum).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                yield bytes;
            }
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                for (Object item : (List<?>) datum) {
                    items.add(toConnectValue(schema.valueSchema(), item));
                }
                yield items;
            }
            case MAP -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                if (datum instanceof Map<?, ?> avroMap) {
                    for (Map.Entry<?, ?> e : avroMap.entrySet()) {
                        map.put(e.getKey().toString(), toConnectValue(schema.valueSchema(), e.getValue()));
                    }
                } else {
                    for (Object item : (List<?>) datum) {
                        GenericRecord entry = (GenericRecord) item;
                        map.put(toConnectValue(schema.keySchema(), entry.get("key")),
                                toConnectValue(schema.valueSchema(), entry.get("value")));
                    }
                }
                yield map;
            }
            case STRUCT -> {
                GenericRecord record = (GenericRecord) datum;
                Struct struct = new Struct(schema);
                for (Field field : schema.fields()) {
                    struct.put(field, toConnectValue(field.schema(), record.get(field.name())));
                }
                yield struct;
            }
        };
    }
}
