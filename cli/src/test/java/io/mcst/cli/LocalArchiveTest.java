package io.mcst.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands on a small archive over three directories. */
class LocalArchiveTest {
    static final long BASE_TIME = 1_780_000_000_000L;
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    @TempDir
    Path dir;
    private Path config;
    private final Map<String, String> props = new HashMap<>();

    @BeforeEach
    void archive() throws IOException {
        props.put("stores", "s0,s1,s2");
        for (int i = 0; i < 3; i++) {
            props.put("store.s" + i + ".type", "filesystem");
            props.put("store.s" + i + ".path", dir.resolve("s" + i).toString());
        }
        props.put("rotate.schedule.interval.ms", "0"); // each put ends its segments
        config = dir.resolve("sink.properties");
        StringBuilder text = new StringBuilder();
        props.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(config, text);
        try (SinkDriver sink = new SinkDriver(props, List.of(P0, P1))) {
            for (int segment = 0; segment < 5; segment++) {
                sink.put(SinkDriver.records(P0, segment * 20L, segment * 20L + 20, BASE_TIME));
                sink.put(SinkDriver.records(P1, segment * 10L, segment * 10L + 10, BASE_TIME));
            }
        }
    }

    @Test
    void lsVerifyRepairExportExpire() throws IOException {
        CliRun ls = CliRun.of("ls", "-c", config.toString());
        System.out.println(ls);
        assertThat(ls.exitCode()).isZero();
        CliRun verify = CliRun.of("verify", "-c", config.toString());
        System.out.println(verify);
        try (Stream<Path> files = Files.walk(dir.resolve("s0"))) {
            Path victim = files.filter(p -> p.toString().contains("00000000000000000020.envelope.avro") && p.toString().contains("%2Ft%2F") || p.toString().contains("00000000000000000020.envelope.avro/t/"))
                    .filter(Files::isRegularFile).findFirst().orElseThrow();
            Files.delete(victim);
        }
        verify = CliRun.of("verify", "-c", config.toString());
        System.out.println(verify);
        CliRun repair = CliRun.of("repair", "-c", config.toString());
        System.out.println(repair);
        verify = CliRun.of("verify", "-c", config.toString(), "--json");
        System.out.println(verify);
        CliRun export = CliRun.of("export", "-c", config.toString(), "--to", dir.resolve("out").toString());
        System.out.println(export);
        CliRun expire = CliRun.of("expire", "-c", config.toString(), "--before", Long.toString(BASE_TIME + 45_000));
        System.out.println(expire);
        System.out.println(CliRun.of("ls", "-c", config.toString()));
        System.out.println(CliRun.of("verify", "-c", config.toString()));
    }
}
