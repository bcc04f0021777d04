/**
 * The sink connector: archives topics into the store stack, a segment blob per partition per rotation, then
 * the partition's index register; commits offsets only for records a quorum of clouds holds. No loss, no
 * duplicate, bounded memory: {@code MultiCloudSinkTaskTest}, {@code MemoryBoundTest}, {@code SinkConfigTest}
 * and {@code MultiCloudSinkIntegrationTest} (a real Connect worker, stores failing underneath) must stay
 * green.
 */
package io.mcst.connector.sink;
