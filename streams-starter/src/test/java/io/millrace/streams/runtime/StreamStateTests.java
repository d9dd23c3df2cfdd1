package io.millrace.streams.runtime;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static io.millrace.streams.runtime.StreamState.CREATED;
import static io.millrace.streams.runtime.StreamState.FAILED;
import static io.millrace.streams.runtime.StreamState.PAUSED;
import static io.millrace.streams.runtime.StreamState.RUNNING;
import static io.millrace.streams.runtime.StreamState.STOPPED;
import static io.millrace.streams.runtime.StreamState.STOPPING;
import static io.millrace.streams.runtime.StreamState.WAITING_FOR_INPUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StreamState}.
 */
class StreamStateTests {

    private static final Map<StreamState, Set<StreamState>> LEGAL = Map.of(
            CREATED, EnumSet.of(WAITING_FOR_INPUT, RUNNING, STOPPING, FAILED),
            WAITING_FOR_INPUT, EnumSet.of(RUNNING, STOPPING, FAILED),
            RUNNING, EnumSet.of(PAUSED, STOPPING, FAILED),
            PAUSED, EnumSet.of(RUNNING, STOPPING, FAILED),
            STOPPING, EnumSet.of(STOPPED, FAILED),
            STOPPED, EnumSet.of(CREATED),
            FAILED, EnumSet.of(CREATED, STOPPING));

    @Test
    void everyStateAllowsExactlyItsLegalTransitions() {
        assertThat(LEGAL).containsOnlyKeys(StreamState.values());
        for (StreamState from : StreamState.values()) {
            for (StreamState to : StreamState.values()) {
                assertThat(from.canMoveTo(to)).as("%s -> %s", from, to).isEqualTo(LEGAL.get(from).contains(to));
            }
        }
    }

    @Test
    void noStateMovesToItself() {
        for (StreamState state : StreamState.values()) {
            assertThat(state.canMoveTo(state)).as(state.name()).isFalse();
        }
    }

    @Test
    void aStoppedOrFailedStreamStartsAgainOnlyThroughCreated() {
        assertThat(STOPPED.canMoveTo(RUNNING)).isFalse();
        assertThat(STOPPED.canMoveTo(WAITING_FOR_INPUT)).isFalse();
        assertThat(FAILED.canMoveTo(RUNNING)).isFalse();
        assertThat(STOPPED.canMoveTo(CREATED)).isTrue();
        assertThat(FAILED.canMoveTo(CREATED)).isTrue();
    }

    @Test
    void everyLiveStateCanStopOrFail() {
        for (StreamState state : EnumSet.of(CREATED, WAITING_FOR_INPUT, RUNNING, PAUSED)) {
            assertThat(state.canMoveTo(STOPPING)).as(state.name()).isTrue();
            assertThat(state.canMoveTo(FAILED)).as(state.name()).isTrue();
        }
    }
}
