package io.millrace.streams.bench;

import java.util.Map;
import java.util.TreeMap;

/**
 * What processing a seeded input topic must yield, known from the seed alone.
 *
 * @param records the input records
 * @param outputs output records by output name ({@code aquatic}, ..., {@code dlt})
 * @param bytes the input's value bytes
 */
record Expected(long records, Map<String, Long> outputs, long bytes) {

    Expected {
        outputs = new TreeMap<>(outputs);
    }

    /**
     * Every output record, dead letters included: the acknowledgements that end a run.
     * @return the count
     */
    long acknowledgements() {
        return this.outputs.values().stream().mapToLong(Long::longValue).sum();
    }
}
