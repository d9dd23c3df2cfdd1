package io.millrace.streams.schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.ValueInstantiators;
import tools.jackson.databind.deser.std.StdValueInstantiator;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link CreatorHandles}: the same constructor calls and failures as Jackson's own, through a prepared
 * handle.
 */
class CreatorHandlesTests {

    private static final byte[] INVERTED = "{\"low\":2,\"high\":1}".getBytes(StandardCharsets.UTF_8);

    private final JsonMapper plain = JsonMapper.builder().build();

    private final JsonMapper withHandles = JsonMapper.builder().addModule(handles()).build();

    @Test
    void callsTheConstructorThroughThePreparedHandle() {
        ValueInstantiationException ex = catchThrowableOfType(ValueInstantiationException.class,
                () -> this.withHandles.readerFor(Range.class).readValue(INVERTED));
        assertThat(Arrays.stream(ex.getCause().getStackTrace()).map(StackTraceElement::getClassName))
            .contains(CreatorHandles.class.getName() + "$HandleInstantiator");
    }

    @Test
    void reportsAFailingConstructorExactlyAsJacksonDoes() {
        ValueInstantiationException expected = catchThrowableOfType(ValueInstantiationException.class,
                () -> this.plain.readerFor(Range.class).readValue(INVERTED));
        assertThatExceptionOfType(ValueInstantiationException.class)
            .isThrownBy(() -> this.withHandles.readerFor(Range.class).readValue(INVERTED))
            .withMessage(expected.getMessage())
            .withCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passesMissingPropertiesAsJacksonDoes() {
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        assertThatExceptionOfType(MismatchedInputException.class)
            .isThrownBy(() -> this.withHandles.readerFor(Defaults.class).readValue(empty))
            .withMessageStartingWith("Cannot map `null` into type `int`");
        JsonMapper lenient = this.withHandles.rebuild()
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
        assertThat((Defaults) lenient.readerFor(Defaults.class).readValue(empty))
            .isEqualTo(new Defaults(0, false, null));
    }

    @Test
    void passesAVarargsComponentAsOneArray() {
        byte[] json = "{\"names\":[\"a\",\"b\"]}".getBytes(StandardCharsets.UTF_8);
        assertThat(((Names) this.withHandles.readerFor(Names.class).readValue(json)).names()).containsExactly("a", "b");
    }

    @Test
    void leavesAnInstantiatorOfTheApplicationAlone() {
        SimpleModule fixed = new SimpleModule("fixed") {

            @Override
            public void setupModule(SetupContext context) {
                super.setupModule(context);
                context.addValueInstantiators(new ValueInstantiators.Base() {

                    @Override
                    public ValueInstantiator modifyValueInstantiator(DeserializationConfig config,
                            BeanDescription.Supplier description, ValueInstantiator instantiator) {
                        return (instantiator instanceof StdValueInstantiator standard) ? new Fixed(standard)
                                : instantiator;
                    }
                });
            }
        };
        JsonMapper mapper = JsonMapper.builder().addModule(fixed).addModule(handles()).build();
        assertThat((Range) mapper.readerFor(Range.class).readValue(INVERTED)).isEqualTo(new Range(0, 0));
    }

    private static SimpleModule handles() {
        return new SimpleModule("handles").setDeserializerModifier(new CreatorHandles());
    }

    record Range(int low, int high) {

        Range {
            if (low > high) {
                throw new IllegalArgumentException("low must not exceed high");
            }
        }
    }

    record Defaults(int count, boolean flag, String name) {
    }

    record Names(String... names) {
    }

    /** An application's instantiator: whatever the input, the empty range. */
    static final class Fixed extends StdValueInstantiator {

        private static final long serialVersionUID = 1L;

        Fixed(StdValueInstantiator source) {
            super(source);
        }

        @Override
        public Object createFromObjectWith(DeserializationContext context, Object[] args) {
            return new Range(0, 0);
        }
    }
}
