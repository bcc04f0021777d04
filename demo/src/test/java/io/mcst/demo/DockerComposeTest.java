package io.mcst.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml and the container tests run the same images: every {@code image:} of the compose file is
 * a variable pinned in .env, which the tests read, and every pin names an exact tag.
 */
class DockerComposeTest {
    private static final Pattern IMAGE_LINE = Pattern.compile("^\\s*image:\\s*(\\S+)\\s*$", Pattern.MULTILINE);
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z_]+)}");

    @Test
    void everyComposeImageIsAVariablePinnedInDotEnv() throws Exception {
        String compose = Files.readString(DockerImages.projectDir().resolve("docker-compose.yml"));
        DockerImages images = DockerImages.load();
        List<String> variables = new ArrayList<>();
        Matcher line = IMAGE_LINE.matcher(compose);
        while (line.find()) {
            Matcher variable = VARIABLE.matcher(line.group(1));
            assertThat(variable.matches()).as("image %s must be a ${VARIABLE} from .env, not a literal tag", line.group(1)).isTrue();
            variables.add(variable.group(1));
        }
        assertThat(variables).as("images of docker-compose.yml").isNotEmpty();
        assertThat(images.byVariable()).containsKeys(variables.toArray(String[]::new));
    }

    @Test
    void theContainerTestsImagesArePinnedToExactTags() throws Exception {
        DockerImages images = DockerImages.load();
        for (String variable : List.of(DockerImages.KAFKA, DockerImages.MINIO, DockerImages.AZURITE, DockerImages.FAKE_GCS)) {
            String tag = images.image(variable).getVersionPart();
            assertThat(tag).as("tag of %s", variable).isNotBlank().isNotEqualTo("latest");
        }
    }

    @Test
    void parsesDotEnvAsComposeDoes() {
        DockerImages images = DockerImages.parse("# comment\n\nKAFKA_IMAGE=apache/kafka:4.3.1\n  MINIO_IMAGE = minio/minio:RELEASE.x \n");
        assertThat(images.byVariable()).containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("KAFKA_IMAGE", "apache/kafka:4.3.1", "MINIO_IMAGE", "minio/minio:RELEASE.x"));
    }
}
