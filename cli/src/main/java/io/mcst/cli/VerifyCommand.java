package io.mcst.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mcst verify}: is every key at every store, intact, and is the archive whole and consistent? */
@Command(name = "verify", description = {"Check every segment and index register: a copy of its newest version "
        + "present and intact at every reachable store (reading each store's copy), at least a quorum of them; each "
        + "partition's segments continuous (gaps and overlaps named by offset); the index register and the time "
        + "index agreeing with the segments. Exit 0 only when all holds."})
final class VerifyCommand extends ArchiveCommand {
    @Option(names = "--json", description = "Print the report as JSON (for machines) instead of text.")
    boolean json;

    @Override
    boolean readOnly() {
        return true;
    }

    @Override
    int run(Archive archive, PrintWriter out, PrintWriter err) {
        ArchiveCheck check = new ArchiveCheck(archive);
        ArchiveCheck.Report report = new ArchiveCheck.Report();
        Progress.Factory progress = Progress.Factory.on(err);
        List<TopicPartition> partitions = List.copyOf(archive.partitions(topic, partition));
        check.checkReplicas(report, keyPrefixes(archive, partitions), progress);
        check.checkContents(report, partitions, progress);
        if (json) {
            printJson(report, out);
        } else {
            printText(report, out);
        }
        return report.clean() ? Mcst.OK : Mcst.FOUND_PROBLEMS;
    }

    private static void printText(ArchiveCheck.Report report, PrintWriter out) {
        for (Finding finding : report.findings) {
            out.println(finding);
        }
        if (!report.findings.isEmpty()) {
            out.println();
        }
        Table stores = new Table(List.of("STORE", "INTACT", "MISSING", "CORRUPT", "STALE-ETERNAL", "UNREACHABLE"));
        for (ArchiveCheck.StoreTally tally : report.stores) {
            List<String> row = new ArrayList<>(List.of(tally.store));
            tally.counts.values().forEach(count -> row.add(Long.toString(count)));
            stores.add(row);
        }
        stores.print(out);
        out.println();
        Map<Finding.Kind, Long> byKind = new TreeMap<>();
        report.findings.forEach(f -> byKind.merge(f.kind(), 1L, Long::sum));
        Table summary = new Table(List.of("CHECK", "FOUND"));
        summary.add(List.of("keys (segments, time index entries, index registers)", Long.toString(report.keys)));
        summary.add(List.of("removed keys (expired, tombstones checked too)", Long.toString(report.removedKeys)));
        summary.add(List.of("partitions", Long.toString(report.partitions)));
        summary.add(List.of("segments", Long.toString(report.segments)));
        summary.add(List.of("records", Long.toString(report.records)));
        summary.add(List.of("segment bytes", Progress.size(report.bytes)));
        summary.add(List.of("superseded blobs awaiting collection", Long.toString(report.superseded)));
        for (Finding.Kind kind : Finding.Kind.values()) {
            summary.add(List.of(kind.name().toLowerCase().replace('_', ' ') + (kind.failing ? "" : " (not a failure)"),
                    Long.toString(byKind.getOrDefault(kind, 0L))));
        }
        summary.print(out);
        out.println(report.clean() ? "verified: the archive is whole" : "NOT verified: see the problems above; 'mcst repair' fixes "
                + "missing, corrupt and stale replicas and the time index");
    }

    private static void printJson(ArchiveCheck.Report report, PrintWriter out) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("clean", report.clean());
        root.put("keys", report.keys);
        root.put("removedKeys", report.removedKeys);
        root.put("partitions", report.partitions);
        root.put("segments", report.segments);
        root.put("records", report.records);
        root.put("segmentBytes", report.bytes);
        root.put("supersededBlobs", report.superseded);
        List<Map<String, Object>> stores = new ArrayList<>();
        for (ArchiveCheck.StoreTally tally : report.stores) {
            Map<String, Object> store = new LinkedHashMap<>();
            store.put("store", tally.store);
            tally.counts.forEach((status, count) -> store.put(status.name().toLowerCase(), count));
            stores.add(store);
        }
        root.put("stores", stores);
        List<Map<String, Object>> findings = new ArrayList<>();
        for (Finding finding : report.findings) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("kind", finding.kind().name().toLowerCase());
            f.put("failing", finding.kind().failing);
            f.put("key", finding.key());
            f.put("store", finding.store());
            f.put("detail", finding.detail());
            findings.add(f);
        }
        root.put("findings", findings);
        try {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render the report as JSON", e);
        }
        out.flush();
    }
}
