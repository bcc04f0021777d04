package io.mcst.replication;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a history as JSON lines, one operation a line, so other checkers (Knossos, Porcupine, ...) can
 * judge it: {@code {"client":1,"type":"write","start":3,"end":8,"value":"9f86d081884c7d65","ts":"2-<id>"}}.
 * {@code end} is null for an operation cut short by its client's crash, {@code value} is the first 8
 * bytes of the SHA-256 of the value in hex (null for a remove, a tombstone read or a never-written
 * register), {@code ts} the timestamp as {@code counter-clientId} when known. Times are positions on one
 * global clock of the history: only their order means anything.
 */
final class HistoryLog {
    /** The directory histories go to; unset, none are written. */
    static final String DIRECTORY_PROPERTY = "mcst.histories.dir";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HistoryLog() {}

    /** Writes the history of {@code seed} under the directory {@value #DIRECTORY_PROPERTY} names, if it names one. */
    static void writeIfAsked(String test, long seed, List<History.Op> ops) {
        String directory = System.getProperty(DIRECTORY_PROPERTY);
        if (directory != null && !directory.isBlank()) {
            write(Path.of(directory), test, seed, ops);
        }
    }

    /** Writes the history of {@code seed} to {@code directory/test-seed.jsonl} and returns that file. */
    static Path write(Path directory, String test, long seed, List<History.Op> ops) {
        List<String> lines = new ArrayList<>();
        try {
            for (History.Op op : ops) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("client", op.client());
                line.put("type", op.type() == History.Type.WRITE ? "write" : "read");
                line.put("start", op.start());
                line.put("end", op.completed() ? op.end() : null);
                line.put("value", op.value() == null ? null : digest(op.value()));
                line.put("ts", op.ts() == null ? null : op.ts().counter() + "-" + op.ts().clientId());
                lines.add(JSON.writeValueAsString(line));
            }
            Files.createDirectories(directory);
            Path file = directory.resolve(test + "-" + seed + ".jsonl");
            Files.write(file, lines, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history of seed " + seed + " to " + directory, e);
        }
    }

    static String digest(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
