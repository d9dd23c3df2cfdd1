package io.millrace.streams.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.GroupSequence;
import jakarta.validation.Payload;
import jakarta.validation.Valid;
import jakarta.validation.Validation;
import jakarta.validation.ValidationException;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Negative;
import jakarta.validation.constraints.NegativeOrZero;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import jakarta.validation.metadata.BeanDescriptor;
import org.hibernate.validator.HibernateValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConstraintPrecheck}: it may leave a valid message to the validator, but must never pass a
 * message the validator rejects.
 */
class ConstraintPrecheckTests {

    private static final Validator validator = Validation.byProvider(HibernateValidator.class)
        .configure()
        .defaultLocale(Locale.ENGLISH)
        .buildValidatorFactory()
        .getValidator();

    @Test
    void passesEveryValueOfATypeWithoutConstraints() {
        ConstraintPrecheck precheck = ConstraintPrecheck.of(Plain.class, validator);
        assertThat(precheck).isNotNull();
        assertThat(precheck.passes(new Plain(null, -1))).isTrue();
    }

    @Test
    void agreesWithTheValidatorOnEveryBuiltInConstraint() {
        List<Object> values = List.of(new Strings(null, null, null, null), new Strings(1L, "a", "", "ab"),
                new Strings(1L, " ", "x", "abc"), new Strings(1L, "\u2003", "x", "ab"),
                new Strings(1L, "\t a ", " ", "ab"),
                new Strings(1L, "a", "x", "a"), new Strings(1L, "a", "x", "abcd"),
                new Collections(null, null, null), new Collections(List.of(), Map.of(), List.of("a")),
                new Collections(List.of("a"), Map.of("k", "v"), List.of("a", "b")),
                new Collections(List.of("a"), Map.of("k", "v"), List.of("a", "b", "c", "d")),
                new Numbers(1, 0L, null, (short) 0, (byte) 3, 10L, null),
                new Numbers(0, 0L, -1, (short) 0, (byte) 3, 10L, -5),
                new Numbers(1, -1L, -1, (short) 0, (byte) 3, 10L, -5),
                new Numbers(1, 0L, 0, (short) 0, (byte) 3, 10L, -5),
                new Numbers(1, 0L, -1, (short) 1, (byte) 3, 10L, -5),
                new Numbers(1, 0L, -1, (short) 0, (byte) 2, 10L, -5),
                new Numbers(1, 0L, -1, (short) 0, (byte) 3, 11L, -5),
                new Numbers(1, 0L, -1, (short) 0, (byte) 3, Long.MAX_VALUE, -6),
                new Numbers(Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, Short.MIN_VALUE, Byte.MAX_VALUE,
                        Long.MIN_VALUE, Integer.MAX_VALUE));
        assertThat(values).allSatisfy((value) -> {
            ConstraintPrecheck precheck = ConstraintPrecheck.of(value.getClass(), validator);
            assertThat(precheck).as("precheck of %s", value.getClass().getSimpleName()).isNotNull();
            assertThat(precheck.passes(value)).as("passes %s", value)
                .isEqualTo(validator.validate(value).isEmpty());
        });
    }

    @Test
    void leavesTypesWithOtherConstraintsToTheValidator() {
        assertThat(List.of(Cascading.class, Elements.class, ClassLevel.class, Custom.class, Patterned.class,
                OtherGroup.class, Getter.class, MisdeclaredSize.class, Decimal.class, Bean.class, CharSequences.class))
            .allSatisfy((type) -> assertThat(ConstraintPrecheck.of(type, validator)).as(type.getSimpleName()).isNull());
    }

    @Test
    void checksARedefinedDefaultGroupByItsConstraintsAlone() {
        ConstraintPrecheck precheck = ConstraintPrecheck.of(Sequenced.class, validator);
        assertThat(precheck).isNotNull();
        assertThat(precheck.passes(new Sequenced("a"))).isTrue();
        assertThat(precheck.passes(new Sequenced(" "))).isFalse();
    }

    @Test
    void readsTheFieldTheValidatorReadsRatherThanAnOverriddenAccessor() {
        ConstraintPrecheck precheck = ConstraintPrecheck.of(Trimmed.class, validator);
        assertThat(precheck).isNotNull();
        assertThat(validator.validate(new Trimmed(" "))).isNotEmpty();
        assertThat(precheck.passes(new Trimmed(" "))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = { "", " ", " \t\n", "\u2003", "\u0001", "\u001F" })
    void neverPassesAStringEitherDefinitionOfBlankRejects(String blank) {
        assertThat(ConstraintPrecheck.of(Strings.class, validator).passes(new Strings(1L, blank, "x", "ab")))
            .isFalse();
    }

    @Test
    void leavesATypeWhoseMetadataFailsToTheValidator() {
        Validator failing = new CountingValidator(validator) {
            @Override
            public BeanDescriptor getConstraintsForClass(Class<?> type) {
                throw new ValidationException("misdeclared");
            }
        };
        assertThat(ConstraintPrecheck.of(Strings.class, failing)).isNull();
    }

    record Plain(String name, int value) {
    }

    record Strings(@NotNull Long id, @NotBlank String name, @NotEmpty String code, @Size(min = 2, max = 3) String tag) {
    }

    record Collections(@NotEmpty List<String> list, @NotEmpty Map<String, String> map,
            @Size(min = 2, max = 3) List<String> sized) {
    }

    record Numbers(@Positive int positive, @PositiveOrZero long count, @Negative Integer negative,
            @NegativeOrZero short level, @Min(3) byte low, @Max(10) Long high, @Min(-5) Integer floor) {
    }

    record Cascading(@Valid Strings strings) {
    }

    record Elements(List<@NotBlank String> names) {
    }

    @Ordered
    record ClassLevel(int low, int high) {
    }

    record Custom(@Even int number) {
    }

    record Patterned(@Pattern(regexp = "[a-z]+") String name) {
    }

    record OtherGroup(@NotBlank(groups = Extended.class) String name) {
    }

    @GroupSequence({ Sequenced.class, Extended.class })
    record Sequenced(@NotBlank String name) {
    }

    record Getter(String code) {

        @NotBlank
        public String getCode() {
            return this.code.replace("-", "");
        }
    }

    record Trimmed(@NotBlank String name) {

        @Override
        public String name() {
            return "trimmed";
        }
    }

    record MisdeclaredSize(@Size(min = -1) String name) {
    }

    record Decimal(@Positive double value) {
    }

    record CharSequences(@NotBlank CharSequence name) {
    }

    static final class Bean {

        @NotBlank
        private String name;

        String getName() {
            return this.name;
        }
    }

    interface Extended {

    }

    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = OrderedValidator.class)
    @interface Ordered {

        String message() default "low must not exceed high";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    public static class OrderedValidator implements ConstraintValidator<Ordered, ClassLevel> {

        @Override
        public boolean isValid(ClassLevel value, ConstraintValidatorContext context) {
            return value.low() <= value.high();
        }
    }

    @Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER })
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = EvenValidator.class)
    @interface Even {

        String message() default "must be even";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    public static class EvenValidator implements ConstraintValidator<Even, Integer> {

        @Override
        public boolean isValid(Integer value, ConstraintValidatorContext context) {
            return value == null || value % 2 == 0;
        }
    }
}
