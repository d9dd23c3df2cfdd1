package io.millrace.streams.schema;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.std.DelegatingDeserializer;

/**
 * Rejects the numbers that Jackson silently squeezes into a narrower type instead of reporting an overflow.
 *
 * <p>Jackson already fails an {@code int}, {@code long} or {@code short} out of range, but turns a {@code double}
 * or {@code float} overflow into infinity, reads the strings {@code "NaN"} and {@code "Infinity"} before any
 * coercion check, and accepts 128 to 255 as a {@code byte} (wrapping to negative).
 */
final class NumberRangeCheck extends ValueDeserializerModifier {

    private static final long serialVersionUID = 1L;

    @Override
    public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription.Supplier description,
            ValueDeserializer<?> deserializer) {
        Class<?> type = description.getBeanClass();
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return new Finite(deserializer);
        }
        if (type == byte.class || type == Byte.class) {
            return new ByteRange(deserializer);
        }
        return deserializer;
    }

    /** Fails a floating-point value that is not finite, whatever the delegate made of the input. */
    private static final class Finite extends DelegatingDeserializer {

        Finite(ValueDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
            return new Finite(delegate);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
            Object value = super.deserialize(parser, context);
            if (value instanceof Number number && !Double.isFinite(number.doubleValue())) {
                String text = parser.getString();
                return (parser.currentToken() == JsonToken.VALUE_STRING)
                        ? context.reportInputMismatch(this, "Cannot coerce String value (\"%s\") to `%s` value",
                                text, handledType().getName())
                        : context.reportInputMismatch(this, "Numeric value (%s) out of range of `%s`", text,
                                handledType().getName());
            }
            return value;
        }
    }

    /** Fails an integer outside {@code -128..127} before the delegate wraps it. */
    private static final class ByteRange extends DelegatingDeserializer {

        ByteRange(ValueDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
            return new ByteRange(delegate);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
            if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT
                    && (parser.getNumberType() != JsonParser.NumberType.INT || parser.getIntValue() < Byte.MIN_VALUE
                            || parser.getIntValue() > Byte.MAX_VALUE)) {
                return context.reportInputMismatch(this, "Numeric value (%s) out of range of `byte` (%d - %d)",
                        parser.getString(), Byte.MIN_VALUE, Byte.MAX_VALUE);
            }
            return super.deserialize(parser, context);
        }
    }
}
