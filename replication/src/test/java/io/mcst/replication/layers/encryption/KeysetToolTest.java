package io.mcst.replication.layers.encryption;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeysetToolTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void newPrintsAUsableKeysetAndRotateAddsAPrimary() throws Exception {
        assertThat(run("", "new", "aes256-gcm")).isZero();
        EncryptionKeyset created = EncryptionKeyset.parse(stdout());
        assertThat(created.keyIds()).hasSize(1);

        String createdJson = stdout();
        out.reset();
        assertThat(run(createdJson, "rotate", "xchacha20-poly1305")).isZero();
        EncryptionKeyset rotated = EncryptionKeyset.parse(stdout());
        assertThat(rotated.keyIds()).hasSize(2).endsWith(created.keyIds().get(0));
    }

    @Test
    void badArgumentsPrintUsageOrTheProblem() throws Exception {
        assertThat(run("", "new")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage");
        assertThat(run("", "new", "des")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown key type 'des'");
        assertThat(run("garbage", "rotate", "aes256-gcm")).isEqualTo(1);
        assertThat(out.size()).isZero();
    }

    private int run(String stdin, String... args) throws Exception {
        return KeysetTool.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
