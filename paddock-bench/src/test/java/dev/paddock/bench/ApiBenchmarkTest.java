package dev.paddock.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paddock.json.Json;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API benchmark's arithmetic and its result file, without a server. */
class ApiBenchmarkTest {

    @TempDir
    Path results;

    @Test
    void percentilesFollowTheNearestRankRule() {
        ApiBenchmark.Latencies hundred = ApiBenchmark.Latencies.of(
                IntStream.rangeClosed(1, 100).mapToDouble(i -> 101 - i).toArray());
        ApiBenchmark.Latencies three = ApiBenchmark.Latencies.of(new double[] {3.0, 1.0, 2.0});

        assertThat(hundred.percentile(50)).isEqualTo(50.0);
        assertThat(hundred.percentile(99)).isEqualTo(99.0);
        assertThat(hundred.percentile(100)).isEqualTo(100.0);
        assertThat(three.percentile(50)).isEqualTo(2.0);
        assertThat(three.percentile(99)).isEqualTo(3.0);
        assertThat(three.percentile(1)).isEqualTo(1.0);
        assertThatThrownBy(() -> hundred.percentile(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiBenchmark.Latencies.of(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theServerWithATokenGoesFirstInEveryOtherRound() {
        assertThat(IntStream.range(0, 6).mapToObj(ApiBenchmark::tokenFirst).toList())
                .containsExactly(true, false, true, false, true, false);
    }

    @Test
    void theResultFileCarriesBothServersPercentilesAndJudgesTheP99Ratio() throws Exception {
        ApiBenchmark.Options options = ApiBenchmark.Options.parse(new String[] {"--rounds", "2", "--requests", "2"});
        ApiBenchmark.Latencies token = ApiBenchmark.Latencies.of(new double[] {2.0, 2.2, 2.1, 4.2});
        ApiBenchmark.Latencies none = ApiBenchmark.Latencies.of(new double[] {2.0, 2.0, 2.05, 4.0});

        BenchResult met = BenchResult.of("api", ApiBenchmark.metrics(options, token, none, 0.5, 0.7),
                new BenchResult.Goal("p99_ratio", "<=", ApiBenchmark.GOAL_P99_RATIO));
        JsonNode written = Json.mapper().readTree(met.write(results).toFile());
        BenchResult missed = BenchResult.of("api", ApiBenchmark.metrics(options,
                        ApiBenchmark.Latencies.of(new double[] {2.0, 5.0}), none, 0.5, 0.7),
                new BenchResult.Goal("p99_ratio", "<=", ApiBenchmark.GOAL_P99_RATIO));

        JsonNode metrics = written.get("metrics");
        assertThat(written.get("benchmark").asText()).isEqualTo("api");
        assertThat(metrics.get("vms").asInt()).isEqualTo(200);
        assertThat(metrics.get("requests_each").asInt()).isEqualTo(4);
        assertThat(metrics.get("token_p50_ms").asDouble()).isEqualTo(2.1);
        assertThat(metrics.get("token_p99_ms").asDouble()).isEqualTo(4.2);
        assertThat(metrics.get("none_p99_ms").asDouble()).isEqualTo(4.0);
        assertThat(metrics.get("p99_ratio").asDouble()).isEqualTo(1.05);
        assertThat(written.get("goal").get("metric").asText()).isEqualTo("p99_ratio");
        assertThat(written.get("met").asBoolean()).isTrue();
        assertThat(missed.met()).isFalse();
        assertThatThrownBy(() -> ApiBenchmark.ratio(1.0, 0.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiBenchmark.Options.parse(new String[] {"--users", "3"}))
                .hasMessage("unknown option --users (known: --hosts N --vms N --rounds N --requests N --warmup N)");
    }
}
