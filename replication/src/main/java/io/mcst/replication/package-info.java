/**
 * The quorum algorithm: {@link io.mcst.replication.ReplicatedStore} emulates one fault-tolerant key-value
 * store over n unmodified ones, as docs/algorithm.md describes; {@link io.mcst.replication.Encoding} is what
 * differs between replicating whole values and erasure-coding them. Kafka-free: it sees only the stores SPI.
 *
 * <p>Any change here must keep green {@code ConsistencyTest} (seeded fault histories checked for regularity
 * and linearizability, and the mutants it must catch), {@code SpaceBoundTest} (garbage collection bounds
 * what each store holds), {@code ErasureCodingTest}, {@code OneAckWriteScheduleTest},
 * {@code IntegrityBelowReplicationTest}, {@code ThreeCloudsTest}, {@code ReplicatedStoreContractTest}, and the
 * fixed schedules and targeted suites of each rule: {@code GcWaitsForOwnAckScheduleTest} (GC after the
 * store's own ack), {@code CommitMarkerTest} (erasure mode's markers), {@code FencingTest} (fenced writers)
 * and {@code CloseAndTimeoutTest}.
 * {@link io.mcst.replication.KeyLayout} and {@link io.mcst.replication.Blob} are the archive's format on
 * every cloud: change them only with a migration ({@code KeyLayoutTest}, {@code BlobTest}).
 */
package io.mcst.replication;
