package io.mcst.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.testcontainers.utility.DockerImageName;

/**
 * The container images, read from the project's {@code .env}: the one place their tags are pinned, which
 * docker-compose.yml substitutes too.
 */
record DockerImages(Map<String, String> byVariable) {
    static final String KAFKA = "KAFKA_IMAGE";
    static final String MINIO = "MINIO_IMAGE";
    static final String AZURITE = "AZURITE_IMAGE";
    static final String FAKE_GCS = "FAKE_GCS_IMAGE";

    static Path projectDir() {
        return Path.of(System.getProperty("mcst.project.dir", "..")).toAbsolutePath().normalize();
    }

    static DockerImages load() throws IOException {
        return parse(Files.readString(projectDir().resolve(".env")));
    }

    /** Parses {@code NAME=value} lines as docker-compose reads .env: comments and blank lines skipped. */
    static DockerImages parse(String envFile) {
        Map<String, String> images = new LinkedHashMap<>();
        for (String line : envFile.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int equals = trimmed.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(".env line is not NAME=value: " + line);
            }
            images.put(trimmed.substring(0, equals).strip(), trimmed.substring(equals + 1).strip());
        }
        return new DockerImages(Map.copyOf(images));
    }

    DockerImageName image(String variable) {
        String image = byVariable.get(variable);
        if (image == null) {
            throw new IllegalStateException(".env does not pin " + variable + "; it pins " + byVariable.keySet());
        }
        return DockerImageName.parse(image);
    }
}
