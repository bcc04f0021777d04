/**
 * Where the archive keeps each blob: segment keys and the per-partition index register, written by the sink
 * and read by the source; consumer group snapshots (sink) and replay offset maps (source), from which a restore
 * computes where each group resumes in a replayed topic. The layout is the archive's format on every cloud: keep it readable by the
 * source, or archives already written cannot be replayed ({@code ArchiveLayoutTest}, and the sink and
 * source integration tests that archive and replay through it).
 */
package io.mcst.connector.archive;
