package io.millrace.streams.schema;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.BufferRecycler;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.core.util.RecyclerPool;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.ToStringSerializer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ThreadBuffers}.
 */
class ThreadBuffersTests {

    @Test
    void keepsTheBuffersOfAPlatformThreadWithTheThread() throws Exception {
        RecyclerPool<BufferRecycler> shared = JsonRecyclerPools.newConcurrentDequePool();
        ThreadBuffers pool = new ThreadBuffers(shared, () -> false);
        BufferRecycler first = pool.acquireAndLinkPooled();
        first.releaseToPool();
        assertThat(pool.acquireAndLinkPooled()).isSameAs(first);
        assertThat(CompletableFuture.supplyAsync(pool::acquireAndLinkPooled).get()).isNotSameAs(first);
        assertThat(shared.pooledCount()).isZero();
    }

    @Test
    void leavesTheBuffersOfAVirtualThreadToTheApplicationsPool() {
        RecyclerPool<BufferRecycler> shared = JsonRecyclerPools.newConcurrentDequePool();
        ThreadBuffers pool = new ThreadBuffers(shared, () -> true);
        BufferRecycler recycler = pool.acquireAndLinkPooled();
        assertThat(recycler).isNotSameAs(JsonRecyclerPools.threadLocalPool().acquirePooled());
        recycler.releaseToPool();
        assertThat(shared.pooledCount()).isOne();
        assertThat(pool.acquireAndLinkPooled()).isSameAs(recycler);
    }

    @Test
    void copiesAMapperWithJacksonsDefaultPoolAndNothingElseChanged() {
        JsonMapper mapper = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .addModule(new SimpleModule().addSerializer(Long.class, ToStringSerializer.instance))
            .build();
        JsonMapper copy = ThreadBuffers.applyTo(mapper);
        assertThat(copy).isNotSameAs(mapper);
        assertThat(copy.tokenStreamFactory()._getRecyclerPool()).isInstanceOf(ThreadBuffers.class);
        assertThat(mapper.tokenStreamFactory()._getRecyclerPool())
            .isInstanceOf(RecyclerPool.ConcurrentDequePoolBase.class);
        Object value = Map.of("list", List.of(new Sample("a", 1L)));
        assertThat(copy.writeValueAsString(value)).isEqualTo(mapper.writeValueAsString(value)).contains("\"a_name\"");
        assertThat(copy.readValue("{\"a_name\":\"x\",\"the_count\":2}", Sample.class)).isEqualTo(new Sample("x", 2L));
    }

    @Test
    void leavesAPoolTheApplicationChoseAlone() {
        JsonMapper mapper = JsonMapper.builder(JsonFactory.builder().recyclerPool(JsonRecyclerPools.newBoundedPool(4))
            .build()).build();
        assertThat(ThreadBuffers.applyTo(mapper)).isSameAs(mapper);
    }

    record Sample(String aName, Long theCount) {
    }
}
