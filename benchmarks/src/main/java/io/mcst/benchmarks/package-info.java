/**
 * The benchmark harness (profile {@code benchmarks} only, never shipped): what a cloud of clouds costs, as
 * ratios against baselines, written to benchmarks/RESULTS.md. Free to change; its unit tests check the
 * workload, latency model and result table, not timings.
 */
package io.mcst.benchmarks;
