package io.mcst.stores.filesystem;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcst.stores.AbstractKeyValueStoreTest;
import io.mcst.stores.KeyValueStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemStoreTest extends AbstractKeyValueStoreTest {
    @TempDir
    Path dir;

    @Override
    protected KeyValueStore createStore() {
        return new FilesystemStore("disk", dir);
    }

    @Test
    void dataSurvivesReopening() {
        store.put(key("a/b"), utf8("persisted"));
        try (var reopened = new FilesystemStore("disk", dir)) {
            assertThat(reopened.get(key("a/b"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("persisted")));
        }
    }

    @Test
    void aLeftoverStagingFileIsNeverAKey() throws IOException {
        // What a crash between write and rename leaves behind.
        Files.write(dir.resolve("%staging").resolve("put-123.tmp"), utf8("half"));
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void removeLeavesNoEmptyDirectories() throws IOException {
        store.put(key("deep/er/key"), utf8("v"));
        store.remove(key("deep/er/key"));
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("%staging");
        }
    }

    @Test
    void namesAreReversibleAndCollisionFree() {
        for (String segment : new String[] {"", ".", "..", ".x", "a.b", "%", "%25", "=", "日本", "a b"}) {
            String name = FileNames.encode(segment);
            assertThat(FileNames.decode(name)).as(segment).contains(segment);
            assertThat(name).doesNotContain("/", "=").isNotEqualTo(".").isNotEqualTo("..").isNotEqualTo(FileNames.STAGING);
        }
    }
}
