package io.millrace.streams.test.slice;

import java.util.Locale;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamContext;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.schema.Schemas;
import io.millrace.streams.schema.StreamSchema;
import io.millrace.streams.table.StreamTable;

/**
 * An application with an annotated stream ({@code orders}: totals per customer in a table, big orders to an
 * output), a stream declared as a bean ({@code shouting}) and a service the slice must leave out.
 */
@SpringBootApplication
public class SliceTestApplication {

    @Bean
    StreamDefinition shouting() {
        return StreamDefinition.builder("shouting")
            .input("whispers", Schemas.string(), (String text, StreamContext context) -> text.toUpperCase(Locale.ROOT))
            .output("shouts", Schemas.string(), (String text) -> text + "!")
            .build();
    }

    @StreamSchema
    public record Order(@NotNull Long id, @NotBlank String customer, @PositiveOrZero long amount) {
    }

    @StreamProcessor(stream = "orders", input = "orders")
    @StreamTable(name = "totals", value = Long.class)
    public static class OrderIngest implements InputProcessor<Order, Order> {

        @Override
        public Order ingest(Order order, StreamContext context) {
            context.<String, Long>table("totals").merge(order.customer(), order.amount(), Long::sum);
            return order;
        }
    }

    @StreamProcessor(stream = "orders", output = "big-orders")
    public static class BigOrders implements OutputProcessor<Order, Order> {

        @Override
        public boolean filter(Order order) {
            return order.amount() >= 100;
        }

        @Override
        public Order transform(Order order) {
            return order;
        }
    }
}
