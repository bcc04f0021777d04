package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcst.replication.HistoryScenario.Profile;
import io.mcst.replication.HistoryScenario.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history generator itself: replayable from its seed, with crashes in it, and exported as JSON lines. */
class HistoryScenarioTest {
    @Test
    void aSeedReplaysTheSameSchedule() {
        for (long seed = 1; seed <= 40; seed++) {
            Run first = HistoryScenario.run(seed, Profile.HOSTILE, Semantics.ATOMIC, Mutation.NONE, seed % 2 == 0);
            Run again = HistoryScenario.run(seed, Profile.HOSTILE, Semantics.ATOMIC, Mutation.NONE, seed % 2 == 0);
            assertThat(again.ops()).as("seed %d", seed).isEqualTo(first.ops());
            assertThat(again.events()).as("seed %d", seed).isEqualTo(first.events());
            assertThat(again.listedDecreases()).as("seed %d", seed).isEqualTo(first.listedDecreases());
        }
    }

    @Test
    void hostileHistoriesCrashSeveralClientsMidWrite() {
        List<Run> runs = LongStream.rangeClosed(1, 200)
                .mapToObj(seed -> HistoryScenario.run(seed, Profile.HOSTILE, Semantics.REGULAR, Mutation.NONE)).toList();
        assertThat(runs).anySatisfy(run -> assertThat(run.ops().stream().filter(op -> !op.completed()).count())
                .as("writes cut short in one history").isGreaterThanOrEqualTo(2));
        // The last operation of every history is the quiescent read, after every client finished.
        assertThat(runs).allSatisfy(run -> {
            History.Op last = run.ops().get(run.ops().size() - 1);
            assertThat(last.type()).isEqualTo(History.Type.READ);
            assertThat(run.ops()).allSatisfy(op -> assertThat(op.start()).isLessThanOrEqualTo(last.start()));
        });
    }

    @Test
    void aHistoryIsWrittenAsJsonLinesThatParse(@TempDir Path directory) throws Exception {
        Run run = LongStream.rangeClosed(1, 200)
                .mapToObj(seed -> HistoryScenario.run(seed, Profile.HOSTILE, Semantics.ATOMIC, Mutation.NONE))
                .filter(candidate -> candidate.ops().stream().anyMatch(op -> !op.completed()))
                .findFirst().orElseThrow();
        Path file = HistoryLog.write(directory, "test", run.seed(), run.ops());

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSameSizeAs(run.ops());
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < lines.size(); i++) {
            History.Op op = run.ops().get(i);
            JsonNode line = json.readTree(lines.get(i));
            assertThat(line.get("client").asInt()).isEqualTo(op.client());
            assertThat(line.get("type").asText()).isEqualTo(op.type() == History.Type.WRITE ? "write" : "read");
            assertThat(line.get("start").asLong()).isEqualTo(op.start());
            assertThat(line.get("end").isNull()).isEqualTo(!op.completed());
            assertThat(line.get("value").isNull() ? null : line.get("value").asText())
                    .isEqualTo(op.value() == null ? null : HistoryLog.digest(op.value()));
            assertThat(line.get("ts").isNull() ? null : line.get("ts").asText())
                    .isEqualTo(op.ts() == null ? null : op.ts().counter() + "-" + op.ts().clientId());
        }
    }
}
