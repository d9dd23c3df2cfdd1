package io.millrace.streams.test;

import java.util.Set;

import org.springframework.boot.test.context.filter.annotation.StandardAnnotationCustomizableTypeExcludeFilter;

import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.runtime.StreamStrategy;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.strategy.ProcessingStrategyFactory;

/**
 * What component scanning keeps in a {@link MillraceTest}: processors, schemas, strategies.
 */
final class MillraceTypeExcludeFilter extends StandardAnnotationCustomizableTypeExcludeFilter<MillraceTest> {

    private static final Set<Class<?>> INCLUDES = Set.of(StreamProcessor.class, Schema.class, StreamDefinition.class,
            StreamStrategy.class, ProcessingStrategyFactory.class);

    MillraceTypeExcludeFilter(Class<?> testClass) {
        super(testClass);
    }

    @Override
    protected Set<Class<?>> getKnownIncludes() {
        return INCLUDES;
    }
}
