package io.mcst.demo;

import io.mcst.stores.KeyValueStore;
import io.mcst.stores.filesystem.FilesystemStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one cloud holds, per archive key: the replication layer stores each logical key as an eternal blob
 * ({@code <key>/e}) plus temporary versions ({@code <key>/t/<timestamp>}), and garbage-collects old versions,
 * so a healthy store holds about two blobs per key.
 */
record BlobCensus(int keys, int blobs, int maxBlobsPerKey) {
    static BlobCensus of(Path filesystemStore) {
        Map<String, Integer> blobsPerKey = new TreeMap<>();
        try (KeyValueStore store = new FilesystemStore("census", filesystemStore)) {
            for (String blob : store.list("")) {
                blobsPerKey.merge(logicalKey(blob), 1, Integer::sum);
            }
        }
        int blobs = blobsPerKey.values().stream().mapToInt(Integer::intValue).sum();
        int max = blobsPerKey.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return new BlobCensus(blobsPerKey.size(), blobs, max);
    }

    private static String logicalKey(String blob) {
        int temporary = blob.lastIndexOf("/t/");
        if (temporary >= 0) {
            return blob.substring(0, temporary);
        }
        return blob.endsWith("/e") ? blob.substring(0, blob.length() - 2) : blob;
    }

    String versionsPerKey() {
        return keys == 0 ? "none" : "%.1f on average, at most %d".formatted((double) blobs / keys, maxBlobsPerKey);
    }
}
