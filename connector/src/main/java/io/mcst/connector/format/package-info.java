/**
 * The record formats ({@code envelope}, {@code avro}, {@code json}, {@code bytes}): how the records of one
 * partition become one segment blob and back. Each written segment is an archive that must stay readable:
 * a format may change only compatibly, guarded by its test ({@code EnvelopeFormatTest},
 * {@code AvroFormatTest}, {@code JsonFormatTest}, {@code BytesFormatTest}). A new format is a
 * {@link io.mcst.connector.format.RecordFormat} registered in {@link io.mcst.connector.format.RecordFormats}.
 */
package io.mcst.connector.format;
