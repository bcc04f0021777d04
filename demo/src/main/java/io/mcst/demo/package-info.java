/**
 * The local demo behind {@code ./demo.sh}: a real KRaft broker and distributed Connect worker as local
 * processes with the plugin archive on plugin.path, three local clouds, a topic archived, a cloud lost,
 * the archive replayed and compared byte for byte. Free to change while {@code ./demo.sh} ends with
 * {@code verified}; the plugin archive's own checks ({@code PluginArchiveIT}, {@code WorkerPluginIT}) also
 * live in this module, and the end-to-end benchmark on the same processes ({@link io.mcst.demo.EndToEndBenchmark},
 * Maven profile {@code benchmarks} only).
 */
package io.mcst.demo;
