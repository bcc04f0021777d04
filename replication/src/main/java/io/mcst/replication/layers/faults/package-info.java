/**
 * A layer that misbehaves on demand (crash, stall, delay, flaky, corrupt, heal), seeded so a failing
 * schedule replays: for the consistency and fault-tolerance tests, the connector's integration tests and
 * the benchmarks; never part of a configured stack. What it can inject is what {@code ConsistencyTest},
 * {@code SpaceBoundTest} and {@code ErasureCodingTest} exercise: keep them green and their mutants caught.
 */
package io.mcst.replication.layers.faults;
