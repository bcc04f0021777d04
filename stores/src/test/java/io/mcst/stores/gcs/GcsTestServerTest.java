package io.mcst.stores.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the GCS test server promises beyond what GcsStore uses: preconditions, simple gzip uploads, buckets. */
class GcsTestServerTest {
    private static GcsTestServer server;
    private static Storage storage;

    @BeforeAll
    static void start() throws Exception {
        server = GcsTestServer.started();
        storage = StorageOptions.http().setHost(server.host()).setProjectId("p").setCredentials(NoCredentials.getInstance())
                .build().getService();
    }

    @AfterAll
    static void stop() throws Exception {
        if (storage != null) {
            storage.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void bucketsAreCreatedAndFoundThroughTheClient() {
        storage.create(BucketInfo.of("made-by-client"));
        assertThat(storage.get("made-by-client")).isNotNull();
        assertThat(storage.get("never-made")).isNull();
    }

    @Test
    void generationPreconditionsAnswer412() {
        server.createBucket("pre");
        BlobInfo info = BlobInfo.newBuilder("pre", "a/b").build();
        long generation = storage.create(info, new byte[] {1}, Storage.BlobTargetOption.doesNotExist()).getGeneration();
        assertThatThrownBy(() -> storage.create(info, new byte[] {2}, Storage.BlobTargetOption.doesNotExist()))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(412));
        BlobInfo current = BlobInfo.newBuilder(BlobId.of("pre", "a/b", generation)).build();
        storage.create(current, new byte[] {3}, Storage.BlobTargetOption.generationMatch());
        assertThat(storage.readAllBytes(BlobId.of("pre", "a/b"))).containsExactly(3);
        assertThatThrownBy(() -> storage.delete(BlobId.of("pre", "a/b", generation), Storage.BlobSourceOption.generationMatch()))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(412));
    }

    @Test
    void simpleUploadsMayBeGzipped() throws Exception {
        server.createBucket("gz");
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
            out.write("hello, gzip".getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.host() + "/upload/storage/v1/b/gz/o?uploadType=media&name=x%2Fy"))
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped.toByteArray()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new String(storage.readAllBytes(BlobId.of("gz", "x/y")), StandardCharsets.UTF_8)).isEqualTo("hello, gzip");
    }
}
