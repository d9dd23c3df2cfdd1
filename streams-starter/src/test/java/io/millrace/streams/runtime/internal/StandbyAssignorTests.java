package io.millrace.streams.runtime.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StandbyAssignorTests {

    private static final String UUID_A = "-0a1b2c3d-0000-0000-0000-000000000001";

    private static final String UUID_B = "-0a1b2c3d-0000-0000-0000-000000000002";

    @Test
    void membersOfOneInstanceShareTheirInstanceKey() {
        assertThat(StandbyAssignor.instanceOf("app-tally-p1-0" + UUID_A)).isEqualTo("app-tally-p1");
        assertThat(StandbyAssignor.instanceOf("app-tally-p1-1" + UUID_B)).isEqualTo("app-tally-p1");
        assertThat(StandbyAssignor.instanceOf("app-tally-p2-0" + UUID_A)).isEqualTo("app-tally-p2");
        assertThat(StandbyAssignor.instanceOf("odd")).isEqualTo("odd");
    }

    @Test
    void eachPartitionGetsItsReplicasOnTheFollowingInstancesNeverOnItsOwners() {
        Map<String, Assignment> actives = Map.of(
                "g-a-0" + UUID_A, assignment(0, 3),
                "g-b-0" + UUID_A, assignment(1, 4),
                "g-c-0" + UUID_A, assignment(2, 5));
        Map<String, List<Integer>> one = StandbyAssignor.place(actives, 1);
        assertThat(one.get("g-b-0" + UUID_A)).containsExactlyInAnyOrder(0, 3);
        assertThat(one.get("g-c-0" + UUID_A)).containsExactlyInAnyOrder(1, 4);
        assertThat(one.get("g-a-0" + UUID_A)).containsExactlyInAnyOrder(2, 5);

        Map<String, List<Integer>> two = StandbyAssignor.place(actives, 2);
        assertThat(two.get("g-a-0" + UUID_A)).containsExactlyInAnyOrder(1, 4, 2, 5);
        // More replicas than other instances: every other instance keeps one copy, no more.
        Map<String, List<Integer>> many = StandbyAssignor.place(actives, 5);
        assertThat(many).isEqualTo(two);
    }

    @Test
    void siblingsOfOneInstanceShareItsStandbysAndNeverHoldTheirOwnInstancesPartitions() {
        Map<String, Assignment> actives = Map.of(
                "g-a-0" + UUID_A, assignment(0), "g-a-1" + UUID_B, assignment(1),
                "g-b-0" + UUID_A, assignment(2), "g-b-1" + UUID_B, assignment(3));
        Map<String, List<Integer>> standbys = StandbyAssignor.place(actives, 1);
        assertThat(standbys.get("g-b-0" + UUID_A)).hasSize(1);
        assertThat(standbys.get("g-b-1" + UUID_B)).hasSize(1);
        assertThat(IntStream.concat(standbys.get("g-b-0" + UUID_A).stream().mapToInt(Integer::intValue),
                standbys.get("g-b-1" + UUID_B).stream().mapToInt(Integer::intValue)).boxed().toList())
            .containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void oneInstanceOrNoReplicasMeansNoStandbys() {
        Map<String, Assignment> actives = Map.of("g-a-0" + UUID_A, assignment(0), "g-a-1" + UUID_B, assignment(1));
        assertThat(StandbyAssignor.place(actives, 1)).isEmpty();
        assertThat(StandbyAssignor.place(Map.of("g-a-0" + UUID_A, assignment(0), "g-b-0" + UUID_A,
                assignment(1)), 0)).isEmpty();
    }

    @Test
    void standbysTravelInTheUserData() {
        assertThat(StandbyAssignor.decode(StandbyAssignor.encode(List.of(3, 1, 7)))).isEqualTo(Set.of(1, 3, 7));
        assertThat(StandbyAssignor.decode(null)).isEmpty();
    }

    @Test
    void ownersTravelAfterTheStandbysAndOldReadersStillReadTheStandbys() {
        Map<String, Assignment> actives = Map.of("a" + UUID_A, assignment(0, 2), "b" + UUID_B, assignment(1));
        Map<String, List<Integer>> standbys = Map.of("b" + UUID_B, List.of(0, 2), "a" + UUID_A, List.of(1));
        Map<String, String> urls = Map.of("a" + UUID_A, "http://a:8080", "b" + UUID_B, "http://b:8080");
        byte[] owners = StandbyAssignor.encodeOwners(4, actives, standbys, urls);
        java.nio.ByteBuffer data = StandbyAssignor.encode(List.of(0, 2), owners);

        assertThat(StandbyAssignor.decode(data)).isEqualTo(Set.of(0, 2));
        io.millrace.streams.runtime.PartitionOwners decoded = StandbyAssignor.decodeOwners(data);
        assertThat(decoded.partitions()).isEqualTo(4);
        assertThat(decoded.owner(0)).isEqualTo("http://a:8080");
        assertThat(decoded.owner(1)).isEqualTo("http://b:8080");
        assertThat(decoded.owner(2)).isEqualTo("http://a:8080");
        // Between the rounds of a cooperative rebalance a partition may have no owner.
        assertThat(decoded.owner(3)).isNull();
        assertThat(decoded.standbys(0)).containsExactly("http://b:8080");
        assertThat(decoded.standbys(1)).containsExactly("http://a:8080");
        assertThat(decoded.standbys(3)).isEmpty();
        // Data without owners (another version, or queries off) reads as none.
        assertThat(StandbyAssignor.decodeOwners(StandbyAssignor.encode(List.of(1)))).isNull();
        assertThat(StandbyAssignor.decodeOwners(null)).isNull();
    }

    @Test
    void aMemberAdvertisesItsUrlAfterTheStickyAssignorsUserData() {
        StandbyAssignor assignor = new StandbyAssignor();
        assignor.configure(Map.of(StandbyAssignor.QUERY_URL_CONFIG,
                (java.util.function.Supplier<String>) () -> "http://host-\u00e9:8080"));
        java.nio.ByteBuffer data = assignor.subscriptionUserData(Set.of("in"));
        assertThat(StandbyAssignor.advertisedUrl(data)).isEqualTo("http://host-\u00e9:8080");
        // The sticky assignor's generation stays first, where it reads it.
        assertThat(data.getInt(0)).isEqualTo(-1);

        StandbyAssignor silent = new StandbyAssignor();
        silent.configure(Map.of());
        assertThat(StandbyAssignor.advertisedUrl(silent.subscriptionUserData(Set.of("in")))).isNull();
        assertThat(StandbyAssignor.advertisedUrl(java.nio.ByteBuffer.allocate(4))).isNull();
    }

    private static Assignment assignment(int... partitions) {
        return new Assignment(IntStream.of(partitions).mapToObj((p) -> new TopicPartition("in", p)).toList());
    }
}
