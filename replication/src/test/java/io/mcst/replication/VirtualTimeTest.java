package io.mcst.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcst.stores.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The scheduler under the histories: phases wait on its clock, and clients take turns by virtual time. */
class VirtualTimeTest {
    private static final long MILLIS = 1_000_000;

    /** Every call takes 1 ms; stores numbered from {@code stalledFrom} on never answer. */
    private static VirtualTime.Links links(int stalledFrom) {
        return new VirtualTime.Links() {
            @Override
            public long latencyNanos(int client, int store, long now) {
                return MILLIS;
            }

            @Override
            public boolean swallows(int store, long now) {
                return store >= stalledFrom;
            }
        };
    }

    private static List<SimulatedStore> stores(VirtualTime time) {
        return IntStream.range(0, 3).mapToObj(i -> new SimulatedStore("s" + i, "register", time::now)).toList();
    }

    @Test
    void aPhaseWithoutAQuorumFailsAtItsDeadlineOnTheVirtualClock() {
        VirtualTime time = new VirtualTime(links(1), 1);
        ReplicationOptions options = ReplicationOptions.defaults().withPhaseTimeout(Duration.ofMinutes(2));
        ReplicatedStore client = new ReplicatedStore(stores(time), options, Mutation.NONE, time.driver().environment());

        assertThatThrownBy(() -> client.put("register", "v".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(time.now()).isEqualTo(Duration.ofMinutes(2).toNanos());
    }

    @Test
    void aWriteTakesOneLatencyPerRoundAndAReadOne() {
        VirtualTime time = new VirtualTime(links(3), 1);
        ReplicatedStore client = new ReplicatedStore(stores(time), ReplicationOptions.defaults(), Mutation.NONE,
                time.driver().environment());

        client.put("register", "v".getBytes(StandardCharsets.UTF_8));

        // collect, then the temporary and the inline eternal copy together: two round trips of 1 ms
        assertThat(time.now()).isEqualTo(2 * MILLIS);
        assertThat(client.get("register")).hasValueSatisfying(v -> assertThat(v).isEqualTo("v".getBytes(StandardCharsets.UTF_8)));
        // list and eternal copy together
        assertThat(time.now()).isEqualTo(3 * MILLIS);
    }

    @Test
    void clientsRunInTheOrderOfTheirVirtualWakeUps() {
        VirtualTime time = new VirtualTime(links(3), 1);
        List<String> order = new ArrayList<>();
        List<Runnable> bodies = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            VirtualTime.Participant me = time.newClient();
            int index = c;
            bodies.add(() -> {
                for (int step = 0; step < 3; step++) {
                    time.sleep(me, (3 - index) * MILLIS);
                    order.add(me.name() + "@" + time.now() / MILLIS);
                }
            });
        }

        assertThat(time.runClients(bodies, new long[] {0, 0, 0})).isEmpty();

        assertThat(order).containsExactly("c2@1", "c1@2", "c2@2", "c0@3", "c2@3", "c1@4", "c0@6", "c1@6", "c0@9");
    }
}
