package io.millrace.streams.test.slice;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import io.millrace.streams.runtime.KafkaClients;
import io.millrace.streams.strategy.InvalidMessage.Reason;
import io.millrace.streams.test.DeadLetter;
import io.millrace.streams.test.MillraceTest;
import io.millrace.streams.test.MillraceTestDriver;
import io.millrace.streams.test.slice.SliceTestApplication.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MillraceTest} loads the application's streams and configuration, no Kafka, and injects a fresh driver.
 */
@MillraceTest(properties = { "spring.application.name=shop", "millrace.streams.orders.dead-letter-topic=bad-orders",
        "millrace.streams.orders.commit.interval=5s" })
class MillraceTestSliceTests {

    @Autowired
    private MillraceTestDriver driver;

    @Autowired
    private ApplicationContext context;

    @Test
    void theAnnotatedStreamRunsWithItsConfiguration() {
        this.driver.input("orders").send("1", new Order(1L, "ann", 150));
        this.driver.input("orders").send("2", new Order(2L, "ann", 20));
        this.driver.input("orders").send("3", "{\"id\": 3, \"customer\": \"bob\", \"amount\": \"9\"}");
        assertThat(this.driver.output("big-orders").values(Order.class)).containsExactly(new Order(1L, "ann", 150));
        assertThat(this.driver.<String, Long>table("totals")).containsExactlyEntriesOf(Map.of("ann", 170L));
        assertThat(this.driver.deadLetters("orders")).singleElement().satisfies((dead) -> {
            assertThat(dead.record().topic()).isEqualTo("bad-orders");
            assertThat(dead.reason()).isEqualTo(Reason.INVALID_INPUT);
        });
        // The table's writes reach its changelog at the commit, the latest value of each key once.
        assertThat(this.driver.output("shop-totals-changelog").size()).isZero();
        this.driver.advanceWallClock(Duration.ofMillis(99));
        assertThat(this.driver.committedOffsets("orders")).isEmpty();
        // Caught up: the stream commits once nothing finished for 100 ms.
        this.driver.advanceWallClock(Duration.ofMillis(1));
        assertThat(this.driver.committedOffsets("orders")).hasSize(1).containsValue(3L);
        assertThat(this.driver.output("shop-totals-changelog").size()).isEqualTo(1);
    }

    @Test
    void theDeclaredStreamRunsToo() {
        this.driver.input("whispers").send(null, "psst");
        assertThat(this.driver.output("shouts").texts()).containsExactly("PSST!");
    }

    @Test
    void eachTestGetsAFreshDriver() {
        assertThat(this.driver.output("big-orders").size()).isZero();
        assertThat(this.driver.deadLetters("orders")).extracting(DeadLetter::key).isEmpty();
    }

    @Test
    void noKafkaClientsAndNoOtherBeans() {
        assertThat(this.context.getBeanNamesForType(KafkaClients.class)).isEmpty();
        assertThat(this.context.getBeanNamesForType(org.springframework.kafka.core.KafkaAdmin.class)).isEmpty();
        assertThat(this.context.getBeanNamesForType(Mailer.class)).isEmpty();
        assertThat(this.context.getBeanNamesForType(io.millrace.streams.runtime.StreamManager.class)).isEmpty();
    }
}
