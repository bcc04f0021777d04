package io.mcst.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultsTableTest {
    @Test
    void rendersEachFigureBesideItsBaselineWithRatioAndTarget() {
        ResultsTable table = new ResultsTable();
        table.add("Sink", "archive rate, 3 stores", 900, "records/s", "1 store", 1000, ">= 0.9x", true);
        table.add("Sink", "archive rate, one stalled", 450, "records/s", "healthy", 900, ">= 0.9x", false);
        table.add("Heap", "heap, 1000 partitions", Double.NaN, "MiB", "10 partitions", 50, "flat", true);
        table.note("erasure coding not in this build");

        String markdown = table.toMarkdown();

        assertThat(markdown).contains("### Sink\n")
                .contains("| archive rate, 3 stores | 900 records/s | 1 store | 1,000 records/s | 0.90x | >= 0.9x | yes |")
                .contains("| archive rate, one stalled | 450 records/s | healthy | 900 records/s | 0.50x | >= 0.9x | **no** |")
                .contains("| heap, 1000 partitions | n/a MiB | 10 partitions | 50 MiB | n/a | flat | not measured |")
                .contains("- erasure coding not in this build");
        assertThat(markdown.indexOf("### Sink")).isLessThan(markdown.indexOf("### Heap"));
    }

    @Test
    void numbersKeepThreeSignificantDigits() {
        assertThat(ResultsTable.number(0.123456)).isEqualTo("0.12");
        assertThat(ResultsTable.number(12.345)).isEqualTo("12.3");
        assertThat(ResultsTable.number(12345.6)).isEqualTo("12,346");
    }
}
