package io.millrace.streams.test.slice;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.test.MillraceTestAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A misconfigured stream fails the slice's context with the application's startup message.
 */
class MillraceTestStartupCheckTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ValidationAutoConfiguration.class,
                MillraceTestAutoConfiguration.class))
        .withUserConfiguration(SliceTestApplication.OrderIngest.class, SliceTestApplication.BigOrders.class);

    @Test
    void retriesLongerThanThePollIntervalAllowsFailTheContext() {
        this.runner.withPropertyValues("millrace.streams.orders.retry.max-attempts=10",
                "millrace.streams.orders.retry.backoff=10s", "millrace.streams.orders.retry.max-backoff=1m")
            .run((context) -> assertThat(context).hasFailed().getFailure()
                .rootCause()
                .isInstanceOf(InvalidStreamsException.class)
                .hasMessageStartingWith("Stream 'orders': a failing record can back off for")
                .hasMessageContaining("more than half of the consumer's max.poll.interval.ms (300000)"));
    }

    @Test
    void springKafkaConsumerPropertiesCountAsInTheApplication() {
        this.runner.withPropertyValues("millrace.streams.orders.retry.max-attempts=10",
                "millrace.streams.orders.retry.backoff=10s", "millrace.streams.orders.retry.max-backoff=1m",
                "spring.kafka.consumer.properties.max.poll.interval.ms=3600000")
            .run((context) -> assertThat(context).hasNotFailed());
    }

    @Test
    void anUnknownOutputOfAConfiguredPartitionerFailsTheContext() {
        this.runner.withPropertyValues("millrace.streams.orders.outputs.nowhere.partitioner=hash")
            .run((context) -> assertThat(context).hasFailed().getFailure()
                .rootCause()
                .isInstanceOf(InvalidStreamsException.class)
                .hasMessage("millrace.streams.orders.outputs.nowhere: stream 'orders' has no output 'nowhere'; its "
                        + "outputs: [big-orders]"));
    }
}
