/**
 * The source connector: replays archived partitions back into Kafka, byte-exact and resumable from the
 * source offsets Connect stores; the connector keeps listing the archive and reassigns partitions as they
 * appear. Guarded by {@code PartitionReplayTest}, {@code MultiCloudSourceTaskTest},
 * {@code MultiCloudSourceConnectorTest}, {@code TaskAssignmentTest}, {@code SourceConfigTest} and
 * {@code MultiCloudSourceIntegrationTest}; source offsets ({@link io.mcst.connector.source.ReplayPosition})
 * are stored by Connect: keep old ones readable.
 */
package io.mcst.connector.source;
