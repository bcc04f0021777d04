package io.mcst.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The configuration of an archive over local directories, as the tests' sink and tool use it. */
final class DirectoryArchive {
    private DirectoryArchive() {}

    /** {@code n} filesystem stores s0..s(n-1) under {@code dir}; each put of the sink ends its segments. */
    static Map<String, String> props(Path dir, int n) {
        Map<String, String> props = new LinkedHashMap<>();
        StringBuilder stores = new StringBuilder();
        for (int i = 0; i < n; i++) {
            stores.append(i == 0 ? "" : ",").append("s").append(i);
            props.put("store.s" + i + ".type", "filesystem");
            props.put("store.s" + i + ".path", dir.resolve("s" + i).toString());
        }
        props.put("stores", stores.toString());
        props.put("rotate.schedule.interval.ms", "0");
        return props;
    }

    static Path writeProperties(Path file, Map<String, String> props) throws IOException {
        StringBuilder text = new StringBuilder();
        props.forEach((key, value) -> text.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n'));
        Files.writeString(file, text);
        return file;
    }
}
