package io.millrace.streams.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import jakarta.validation.Valid;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.assertj.core.api.ThrowingConsumer;
import org.hibernate.validator.HibernateValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.ToStringSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link JsonSchema}: one test per input rule.
 */
class JsonSchemaTests {

    private static final String VALID = "{\"id\":1,\"name\":\"Rex\",\"value\":3,\"labels\":{\"kind\":\"dog\"}}";

    // English messages whatever the machine's locale, since the tests compare them.
    private static final Validator validator = Validation.byProvider(HibernateValidator.class)
        .configure()
        .defaultLocale(Locale.ENGLISH)
        .buildValidatorFactory()
        .getValidator();

    private final JsonMapper mapper = JsonMapper.builder().build();

    private final JsonSchema<Animal> schema = JsonSchema.of(Animal.class, this.mapper, validator);

    @Test
    void typeIsTheMessageType() {
        assertThat(this.schema.type()).isEqualTo(Animal.class);
    }

    @Test
    void decodesAValidMessageWithLabels() {
        assertThat(this.schema.decode(bytes(VALID))).isEqualTo(new Animal(1L, "Rex", 3, Map.of("kind", "dog")));
    }

    @Test
    void acceptsUnknownFields() {
        Animal animal = this.schema
            .decode(bytes("{\"id\":1,\"name\":\"Rex\",\"value\":3,\"owner\":{\"name\":\"Ann\"},\"tags\":[1,\"a\"]}"));
        assertThat(animal).isEqualTo(new Animal(1L, "Rex", 3, null));
    }

    @Test
    void acceptsUnknownFieldsEvenIfTheApplicationMapperRejectsThem() {
        JsonMapper failing = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        JsonSchema<Animal> schema = JsonSchema.of(Animal.class, failing, validator);
        assertThat(schema.decode(bytes("{\"id\":1,\"name\":\"Rex\",\"value\":3,\"owner\":\"Ann\"}")).name())
            .isEqualTo("Rex");
    }

    @Test
    void rejectsAStringForAnInt() {
        assertInvalid("{\"id\":1,\"name\":\"Rex\",\"value\":\"5\"}").satisfies(violation("value: Cannot coerce String"));
    }

    @Test
    void rejectsAStringForALong() {
        assertInvalid("{\"id\":\"5\",\"name\":\"Rex\",\"value\":5}").satisfies(violation("id: Cannot coerce String"));
    }

    @Test
    void rejectsANumberForAString() {
        assertInvalid("{\"id\":1,\"name\":123,\"value\":5}").satisfies(violation("name: Cannot coerce Integer"));
    }

    @Test
    void rejectsABooleanForAString() {
        assertInvalid("{\"id\":1,\"name\":true,\"value\":5}").satisfies(violation("name: Cannot coerce Boolean"));
    }

    @Test
    void rejectsAFractionForAnInt() {
        assertInvalid("{\"id\":1,\"name\":\"Rex\",\"value\":1.5}")
            .satisfies(violation("value: Cannot coerce Floating-point value (1.5)"));
    }

    @Test
    void rejectsAWholeFloatForAnInt() {
        assertInvalid("{\"id\":1,\"name\":\"Rex\",\"value\":1.0}")
            .satisfies(violation("value: Cannot coerce Floating-point value (1.0)"));
    }

    @Test
    void rejectsAnEmptyStringForANumberInsteadOfReadingNull() {
        assertInvalid("{\"id\":\"\",\"name\":\"Rex\",\"value\":5}")
            .satisfies(violation("id: Cannot coerce empty String"));
    }

    @Test
    void rejectsASingleValueForAnArray() {
        JsonSchema<Flock> schema = JsonSchema.of(Flock.class, this.mapper, validator);
        assertThat(schema.decode(bytes("{\"names\":[\"Rex\"]}")).names()).containsExactly("Rex");
        assertThatExceptionOfType(SchemaException.class)
            .isThrownBy(() -> schema.decode(bytes("{\"names\":\"Rex\"}")))
            .satisfies(violation("names: Cannot deserialize value of type `java.util.ArrayList"));
    }

    @Test
    void rejectsAnArrayWrappingASingleValue() {
        assertInvalid("{\"id\":1,\"name\":\"Rex\",\"value\":[5]}")
            .satisfies(violation("value: Cannot deserialize value of type `int` from Array value"));
    }

    @Test
    void rejectsAnIntThatOverflows() {
        assertInvalid("{\"id\":1,\"name\":\"Rex\",\"value\":3000000000}")
            .satisfies(violation("value: Numeric value (3000000000) out of range of `int`"));
    }

    @Test
    void rejectsALongThatOverflows() {
        assertInvalid("{\"id\":99999999999999999999,\"name\":\"Rex\",\"value\":5}")
            .satisfies(violation("id: Numeric value (99999999999999999999) out of range of `long`"));
    }

    @Test
    void rejectsADoubleThatOverflowsToInfinity() {
        assertMeasurementInvalid("{\"reading\":1e400,\"level\":0}", "reading: Numeric value (1e400) out of range");
    }

    @Test
    void rejectsAFloatThatOverflowsToInfinity() {
        assertMeasurementInvalid("{\"reading\":0,\"ratio\":3.5e38,\"level\":0}",
                "ratio: Numeric value (3.5e38) out of range");
    }

    @Test
    void rejectsNotANumberGivenAsAString() {
        assertMeasurementInvalid("{\"reading\":\"NaN\",\"level\":0}", "reading: Cannot coerce String value (\"NaN\")");
    }

    @Test
    void rejectsAByteOutsideItsSignedRange() {
        assertMeasurementInvalid("{\"reading\":0,\"level\":200}", "level: Numeric value (200) out of range of `byte`");
    }

    @Test
    void acceptsAnIntegerForADoubleAndTheFullByteRange() {
        JsonSchema<Measurement> schema = JsonSchema.of(Measurement.class, this.mapper, validator);
        assertThat(schema.decode(bytes("{\"reading\":1,\"ratio\":0.5,\"level\":-128,\"unit\":\"KG\"}")))
            .isEqualTo(new Measurement(1.0, 0.5f, (byte) -128, Unit.KG));
    }

    @Test
    void rejectsANumberForAnEnum() {
        assertMeasurementInvalid("{\"reading\":0,\"level\":0,\"unit\":0}", "unit: Cannot deserialize value of type");
    }

    @Test
    void rejectsNullForAPrimitive() {
        assertInvalid("{\"id\":1,\"name\":\"Rex\",\"value\":null}")
            .satisfies(violation("value: Cannot map `null` into type `int`"));
    }

    @Test
    void rejectsAMissingPrimitiveRatherThanReadingZero() {
        assertInvalid("{\"id\":1,\"name\":\"Rex\"}").satisfies(violation("value: Cannot map `null` into type `int`"));
    }

    @Test
    void rejectsDuplicateKeys() {
        assertInvalid("{\"id\":1,\"name\":\"Rex\",\"name\":\"Max\",\"value\":5}")
            .satisfies(violation("Duplicate Object property \"name\""));
    }

    @Test
    void rejectsDuplicateKeysInANestedMap() {
        assertInvalid("{\"id\":1,\"name\":\"Rex\",\"value\":5,\"labels\":{\"a\":\"x\",\"a\":\"y\"}}")
            .satisfies(violation("labels: Duplicate Object property \"a\""));
    }

    @Test
    void rejectsANumberAsALabelValue() {
        assertInvalid("{\"id\":1,\"name\":\"Rex\",\"value\":5,\"labels\":{\"a\":1}}")
            .satisfies(violation("labels.a: Cannot coerce Integer value (1) to `java.lang.String` value"));
    }

    @Test
    void rejectsANullValueAsATombstone() {
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> this.schema.decode(null))
            .satisfies(violation("value is null (a tombstone)"));
    }

    @Test
    void rejectsAnEmptyValue() {
        assertInvalid("").satisfies(violation("value is empty"));
    }

    @Test
    void rejectsAWhitespaceOnlyValue() {
        assertInvalid(" \t\r\n ").satisfies(violation("value is empty"));
    }

    @Test
    void rejectsMalformedUtf8InsideAString() {
        byte[] data = bytes("{\"id\":1,\"name\":\"R?x\",\"value\":5}");
        data[17] = (byte) 0xFF;
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> this.schema.decode(data))
            .satisfies(violation("name: Invalid UTF-8"));
    }

    @Test
    void rejectsUtf16AndUtf32WhichJacksonWouldDetectAndAccept() {
        assertThat(List.of(StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16,
                Charset.forName("UTF-32BE"), Charset.forName("UTF-32LE")))
            .allSatisfy((charset) -> assertThatExceptionOfType(SchemaException.class)
                .isThrownBy(() -> this.schema.decode((" " + VALID).getBytes(charset)))
                .satisfies(violation("value is not UTF-8")));
    }

    @Test
    void acceptsAUtf8ByteOrderMark() {
        byte[] json = bytes(VALID);
        byte[] data = new byte[json.length + 3];
        data[0] = (byte) 0xEF;
        data[1] = (byte) 0xBB;
        data[2] = (byte) 0xBF;
        System.arraycopy(json, 0, data, 3, json.length);
        assertThat(this.schema.decode(data).name()).isEqualTo("Rex");
    }

    @Test
    void rejectsTrailingGarbage() {
        assertInvalid(VALID + " x").satisfies(violation("Unrecognized token 'x'"));
    }

    @Test
    void rejectsASecondValueAfterTheFirst() {
        assertInvalid(VALID + " {}").satisfies(violation("Trailing token"));
    }

    @Test
    void acceptsTrailingWhitespace() {
        assertThat(this.schema.decode(bytes(VALID + " \r\n")).name()).isEqualTo("Rex");
    }

    @Test
    void rejectsAJsonNullRoot() {
        assertInvalid(" null ").satisfies(violation("value is JSON null"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"Rex\"", "5", "true", "[]", "[" + VALID + "]" })
    void rejectsARootThatIsNotAnObject(String json) {
        assertInvalid(json);
    }

    @Test
    void staysStrictWhenTheApplicationMapperIsLenient() {
        JsonMapper lenient = JsonMapper.builder()
            .enable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.ACCEPT_FLOAT_AS_INT, DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS,
                    DeserializationFeature.ACCEPT_EMPTY_STRING_AS_NULL_OBJECT)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_JAVA_COMMENTS,
                    JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build();
        JsonSchema<Animal> schema = JsonSchema.of(Animal.class, lenient, null);
        assertThat(List.of("{\"id\":1,\"name\":\"Rex\",\"value\":\"5\"}", "{\"id\":1,\"name\":\"Rex\",\"value\":1.0}",
                "{\"id\":1,\"name\":\"Rex\",\"value\":[5]}", "{\"id\":\"\",\"name\":\"Rex\",\"value\":5}",
                "{\"id\":1,\"name\":\"Rex\",\"value\":null}", "{\"id\":1,\"name\":\"Rex\"}", VALID + " {}", "{'id':1,'name':'Rex','value':5}",
                "{\"id\":1,\"name\":\"Rex\",\"value\":5 /* five */}", "{\"id\":1,\"name\":\"Rex\",\"value\":5,}"))
            .allSatisfy((json) -> assertThatExceptionOfType(SchemaException.class)
                .isThrownBy(() -> schema.decode(bytes(json))));
    }

    @Test
    void reportsAConstraintViolationWithItsProperty() {
        assertInvalid("{\"id\":1,\"name\":\" \",\"value\":5}")
            .satisfies((ex) -> assertThat(ex.violations()).containsExactly("name: must not be blank"))
            .withMessage("Invalid Animal: name: must not be blank");
    }

    @Test
    void reportsEveryConstraintViolationSorted() {
        assertInvalid("{\"name\":\"\",\"value\":-1}")
            .satisfies((ex) -> assertThat(ex.violations()).containsExactly("id: must not be null",
                    "name: must not be blank", "value: must be greater than or equal to 0"));
    }

    @Test
    void skipsBeanValidationWithoutAValidator() {
        JsonSchema<Animal> schema = JsonSchema.of(Animal.class, this.mapper, null);
        assertThat(schema.decode(bytes("{\"name\":\"\",\"value\":-1}"))).isEqualTo(new Animal(null, "", -1, null));
    }

    @Test
    void sparesTheValidatorAMessageThatPlainlySatisfiesItsConstraints() {
        CountingValidator counting = new CountingValidator(validator);
        JsonSchema<Animal> schema = JsonSchema.of(Animal.class, this.mapper, counting);
        Animal animal = schema.decode(bytes(VALID));
        schema.encode(animal);
        assertThat(counting.validated()).isZero();
    }

    @Test
    void leavesASuspectMessageToTheValidatorWhichDescribesIt() {
        CountingValidator counting = new CountingValidator(validator);
        JsonSchema<Animal> schema = JsonSchema.of(Animal.class, this.mapper, counting);
        assertThatExceptionOfType(SchemaException.class)
            .isThrownBy(() -> schema.decode(bytes("{\"id\":1,\"name\":\" \",\"value\":5}")))
            .satisfies((ex) -> assertThat(ex.violations()).containsExactly("name: must not be blank"));
        assertThat(counting.validated()).isOne();
    }

    @Test
    void doesNotValidateATypeWithoutConstraintsButStaysStrictOnTypes() {
        CountingValidator counting = new CountingValidator(validator);
        JsonSchema<Flock> schema = JsonSchema.of(Flock.class, this.mapper, counting);
        assertThat(schema.decode(bytes("{\"names\":[\"Rex\"]}")).names()).containsExactly("Rex");
        assertThatExceptionOfType(SchemaException.class)
            .isThrownBy(() -> schema.decode(bytes("{\"names\":[5]}")))
            .satisfies(violation("names[0]: Cannot coerce Integer"));
        assertThatExceptionOfType(SchemaException.class)
            .isThrownBy(() -> schema.decode(bytes("{\"names\":[\"Rex\"],\"names\":[]}")))
            .satisfies(violation("Duplicate Object property \"names\""));
        assertThat(counting.validated()).isZero();
    }

    @Test
    void validatesACascadedMessage() {
        JsonSchema<Owner> schema = JsonSchema.of(Owner.class, this.mapper, validator);
        assertThat(schema.decode(bytes("{\"pet\":" + VALID + "}")).pet().name()).isEqualTo("Rex");
        assertThatExceptionOfType(SchemaException.class)
            .isThrownBy(() -> schema.decode(bytes("{\"pet\":{\"id\":1,\"name\":\" \",\"value\":5}}")))
            .satisfies((ex) -> assertThat(ex.violations()).containsExactly("pet.name: must not be blank"));
        assertThatExceptionOfType(SchemaException.class)
            .isThrownBy(() -> schema.encode(new Owner(new Animal(null, "Rex", 1, null))))
            .satisfies((ex) -> assertThat(ex.violations()).containsExactly("pet.id: must not be null"));
    }

    @Test
    void validatesTheElementsOfAList() {
        JsonSchema<Tags> schema = JsonSchema.of(Tags.class, this.mapper, validator);
        assertThatExceptionOfType(SchemaException.class)
            .isThrownBy(() -> schema.decode(bytes("{\"tags\":[\"a\",\" \"]}")))
            .satisfies(violation("tags[1]"));
    }

    @Test
    void validatesAConstraintOnAGetter() {
        JsonSchema<Code> schema = JsonSchema.of(Code.class, this.mapper, validator);
        assertThat(schema.decode(bytes("{\"code\":\"a-b\"}")).code()).isEqualTo("a-b");
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> schema.decode(bytes("{\"code\":\"--\"}")))
            .satisfies((ex) -> assertThat(ex.violations()).containsExactly("code: must not be blank"));
    }

    @Test
    void validatesAClassLevelConstraint() {
        JsonSchema<Span> schema = JsonSchema.of(Span.class, this.mapper, validator);
        assertThat(schema.decode(bytes("{\"low\":1,\"high\":2}")).high()).isEqualTo(2);
        assertThatExceptionOfType(SchemaException.class)
            .isThrownBy(() -> schema.decode(bytes("{\"low\":2,\"high\":1}")))
            .satisfies((ex) -> assertThat(ex.violations()).containsExactly("low must not exceed high"));
    }

    @Test
    void reportsAMisdeclaredConstraintAsASchemaException() {
        JsonSchema<Misdeclared> schema = JsonSchema.of(Misdeclared.class, this.mapper, validator);
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> schema.decode(bytes("{\"name\":\"Rex\"}")))
            .satisfies((ex) -> assertThat(ex.violations()).singleElement()
                .asString()
                .contains("Unable to initialize"));
    }

    @Test
    void decodesEveryPrimitiveThroughTheConstructor() {
        JsonSchema<Primitives> schema = JsonSchema.of(Primitives.class, this.mapper, validator);
        assertThat(schema.decode(bytes("{\"flag\":true,\"small\":-2,\"shortValue\":300,\"count\":70000,"
                + "\"big\":5000000000,\"ratio\":0.5,\"reading\":1e10,\"name\":\"x\"}")))
            .isEqualTo(new Primitives(true, (byte) -2, (short) 300, 70000, 5000000000L, 0.5f, 1e10, "x"));
    }

    @Test
    void decodesAClassWithACreatorConstructorOrACreatorFactory() {
        assertThat(JsonSchema.of(Point.class, this.mapper, validator).decode(bytes("{\"x\":1,\"y\":2}")))
            .isEqualTo(new Point(1, 2));
        assertThat(JsonSchema.of(Named.class, this.mapper, validator).decode(bytes("{\"name\":\"Rex\"}")).name)
            .isEqualTo("Rex");
    }

    @Test
    void reportsAFailingConstructorAsASchemaException() {
        JsonSchema<Range> schema = JsonSchema.of(Range.class, this.mapper, validator);
        assertThatExceptionOfType(SchemaException.class)
            .isThrownBy(() -> schema.decode(bytes("{\"low\":2,\"high\":1}")))
            .withCauseInstanceOf(JacksonException.class)
            .satisfies(violation("Cannot construct instance of"))
            .satisfies((ex) -> assertThat(ex.violations()).singleElement().asString().endsWith("low must not exceed high"));
    }

    @Test
    void reportsAnyOtherDecodingFailureAsASchemaException() {
        JsonSchema<Broken> schema = JsonSchema.of(Broken.class, this.mapper, validator);
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> schema.decode(bytes("{\"x\":1}")))
            .withCauseInstanceOf(IllegalStateException.class)
            .satisfies(violation("java.lang.IllegalStateException: broken deserializer"));
    }

    @Test
    void keepsJacksonsExceptionAsTheCauseButNotItsVerboseMessage() {
        assertInvalid("{\n\"id\":1,\n\"name\":\"Rex\",\n\"value\":\"5\"\n}")
            .withCauseInstanceOf(JacksonException.class)
            .satisfies((ex) -> assertThat(ex.violations()).singleElement()
                .asString()
                .isEqualTo("value: Cannot coerce String value (\"5\") to `int` value"));
    }

    @Test
    void encodesAndDecodesARoundTrip() {
        Animal animal = new Animal(7L, "Max", 0, Map.of("kind", "cat", "colour", "black"));
        byte[] encoded = this.schema.encode(animal);
        assertThat(this.schema.decode(encoded)).isEqualTo(animal);
    }

    @Test
    void encodesWithTheApplicationMapper() {
        assertThat(new String(this.schema.encode(new Animal(7L, "Max", 0, null)), StandardCharsets.UTF_8))
            .isEqualTo(new String(this.mapper.writeValueAsBytes(new Animal(7L, "Max", 0, null)),
                    StandardCharsets.UTF_8));
    }

    @Test
    void encodesWithEverySettingOfACustomisedApplicationMapper() {
        JsonMapper custom = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .addModule(new SimpleModule().addSerializer(Long.class, ToStringSerializer.instance))
            .build();
        Animal animal = new Animal(7L, "Max", 0, Map.of("kind", "cat"));
        assertThat(new String(JsonSchema.of(Animal.class, custom, validator).encode(animal), StandardCharsets.UTF_8))
            .isEqualTo(custom.writeValueAsString(animal))
            .contains("\"Id\" : \"7\"");
    }

    @Test
    void encodeRejectsAnInvalidValue() {
        assertThatExceptionOfType(SchemaException.class)
            .isThrownBy(() -> this.schema.encode(new Animal(7L, " ", 0, null)))
            .satisfies((ex) -> assertThat(ex.violations()).containsExactly("name: must not be blank"));
    }

    @Test
    void encodeReportsAFailingAccessorAsASchemaException() {
        JsonSchema<Faulty> schema = JsonSchema.of(Faulty.class, this.mapper, validator);
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> schema.encode(new Faulty(1)))
            .withCauseInstanceOf(JacksonException.class)
            .satisfies(violation("x: broken accessor"));
    }

    @Test
    void encodeReportsAnyOtherEncodingFailureAsASchemaException() {
        JsonSchema<Broken> schema = JsonSchema.of(Broken.class, this.mapper, validator);
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> schema.encode(new Broken(1)))
            .withCauseInstanceOf(IllegalStateException.class)
            .satisfies(violation("java.lang.IllegalStateException: broken serializer"));
    }

    @Test
    void encodeRejectsNull() {
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> this.schema.encode(null))
            .satisfies(violation("value is null"));
    }

    private ThrowableAssertAlternative<SchemaException> assertInvalid(String json) {
        return assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> this.schema.decode(bytes(json)));
    }

    private void assertMeasurementInvalid(String json, String violation) {
        JsonSchema<Measurement> schema = JsonSchema.of(Measurement.class, this.mapper, validator);
        assertThatExceptionOfType(SchemaException.class).isThrownBy(() -> schema.decode(bytes(json)))
            .satisfies(violation(violation));
    }

    private static ThrowingConsumer<SchemaException> violation(String prefix) {
        return (ex) -> assertThat(ex.violations()).singleElement().asString().startsWith(prefix);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    record Animal(@NotNull Long id, @NotBlank String name, @PositiveOrZero int value, Map<String, String> labels) {
    }

    record Flock(List<String> names) {
    }

    record Owner(@Valid @NotNull Animal pet) {
    }

    record Tags(List<@NotBlank String> tags) {
    }

    /** A getter the validator checks, on a value of its own; public for the validator. */
    public record Code(String code) {

        @NotBlank
        public String getCode() {
            return this.code.replace("-", "");
        }
    }

    @Ordered
    record Span(int low, int high) {
    }

    record Misdeclared(@Size(min = -1) String name) {
    }

    record Primitives(boolean flag, byte small, short shortValue, int count, long big, float ratio, double reading,
            String name) {
    }

    /** A class whose properties are its constructor's, as Jackson's creator. */
    static final class Point {

        private final int x;

        private final int y;

        @JsonCreator
        Point(@JsonProperty("x") int x, @JsonProperty("y") int y) {
            this.x = x;
            this.y = y;
        }

        public int getX() {
            return this.x;
        }

        public int getY() {
            return this.y;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Point point && point.x == this.x && point.y == this.y;
        }

        @Override
        public int hashCode() {
            return 31 * this.x + this.y;
        }
    }

    /** A class created by a factory method rather than a constructor. */
    static final class Named {

        final String name;

        private Named(String name) {
            this.name = name;
        }

        @JsonCreator
        static Named of(@JsonProperty("name") String name) {
            return new Named(name);
        }
    }

    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = OrderedValidator.class)
    @interface Ordered {

        String message() default "low must not exceed high";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    public static class OrderedValidator implements ConstraintValidator<Ordered, Span> {

        @Override
        public boolean isValid(Span value, ConstraintValidatorContext context) {
            return value.low() <= value.high();
        }
    }

    record Measurement(double reading, Float ratio, byte level, Unit unit) {
    }

    enum Unit {

        KG, LB

    }

    @JsonDeserialize(using = BrokenDeserializer.class)
    @JsonSerialize(using = BrokenSerializer.class)
    record Broken(int x) {
    }

    // Jackson does not wrap what a root (de)serializer throws, so only JsonSchema stands between it and the caller.
    static class BrokenDeserializer extends ValueDeserializer<Broken> {

        @Override
        public Broken deserialize(JsonParser parser, DeserializationContext context) {
            throw new IllegalStateException("broken deserializer");
        }
    }

    static class BrokenSerializer extends ValueSerializer<Broken> {

        @Override
        public void serialize(Broken value, JsonGenerator generator, SerializationContext context) {
            throw new IllegalStateException("broken serializer");
        }
    }

    record Faulty(int x) {

        @Override
        public int x() {
            throw new IllegalStateException("broken accessor");
        }
    }

    record Range(int low, int high) {

        Range {
            if (low > high) {
                throw new IllegalArgumentException("low must not exceed high");
            }
        }
    }
}
