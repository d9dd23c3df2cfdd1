package io.millrace.streams.schema;

import java.lang.annotation.Annotation;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Negative;
import jakarta.validation.constraints.NegativeOrZero;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import jakarta.validation.groups.Default;
import jakarta.validation.metadata.ConstraintDescriptor;

/**
 * The rules of a few built-in Bean Validation constraints, as Hibernate Validator's own validators apply them to
 * the property types listed here, for {@link ConstraintPrecheck}.
 *
 * <p>Each rule returns {@code true} only where Hibernate Validator's validator would; a constraint, a property type
 * or an attribute not listed has no rule, and its type is left to the validator in full.
 */
final class BuiltInConstraints {

    /** The package of Hibernate Validator's built-in validators, the only implementation whose rules these are. */
    private static final String BUILT_IN_VALIDATORS = "org.hibernate.validator.internal.constraintvalidators.";

    private static final Set<Class<?>> INTEGRAL = Set.of(long.class, int.class, short.class, byte.class, Long.class,
            Integer.class, Short.class, Byte.class);

    private BuiltInConstraints() {
    }

    /**
     * The rule of a constraint on a property of the given declared type.
     * @param constraint the constraint, from the validator's metadata
     * @param type the declared type of the property
     * @return the rule, true for a value that satisfies the constraint; {@code null} if it has none here
     */
    static Predicate<Object> rule(ConstraintDescriptor<?> constraint, Class<?> type) {
        if (!isPlain(constraint)) {
            return null;
        }
        Class<? extends Annotation> kind = constraint.getAnnotation().annotationType();
        if (kind == NotNull.class) {
            return (value) -> value != null;
        }
        if (kind == NotBlank.class) {
            return (type == String.class) ? (value) -> value != null && !isBlank((String) value) : null;
        }
        if (kind == NotEmpty.class) {
            return size(type, 1, Integer.MAX_VALUE, false);
        }
        if (kind == Size.class) {
            int min = (Integer) constraint.getAttributes().get("min");
            int max = (Integer) constraint.getAttributes().get("max");
            // Hibernate Validator fails every value of a misdeclared @Size; that failure is the validator's to report.
            return (min >= 0 && max >= min) ? size(type, min, max, true) : null;
        }
        if (!INTEGRAL.contains(type)) {
            // The other rules are numeric; for decimals, big numbers and strings the validator compares otherwise.
            return null;
        }
        if (kind == Positive.class) {
            return integral((value) -> value > 0);
        }
        if (kind == PositiveOrZero.class) {
            return integral((value) -> value >= 0);
        }
        if (kind == Negative.class) {
            return integral((value) -> value < 0);
        }
        if (kind == NegativeOrZero.class) {
            return integral((value) -> value <= 0);
        }
        if (kind == Min.class) {
            long min = (Long) constraint.getAttributes().get("value");
            return integral((value) -> value >= min);
        }
        if (kind == Max.class) {
            long max = (Long) constraint.getAttributes().get("value");
            return integral((value) -> value <= max);
        }
        return null;
    }

    /**
     * Whether a constraint is applied alone, in the default group, by Hibernate Validator's own validator: a
     * composed constraint, another group, or a validator the application declared for the constraint could change
     * the outcome.
     */
    private static boolean isPlain(ConstraintDescriptor<?> constraint) {
        if (!constraint.getComposingConstraints().isEmpty() || !constraint.getGroups().equals(Set.of(Default.class))
                || constraint.getConstraintValidatorClasses().isEmpty()) {
            return false;
        }
        return constraint.getConstraintValidatorClasses()
            .stream()
            .allMatch((validator) -> validator.getName().startsWith(BUILT_IN_VALIDATORS));
    }

    /** Null is valid for the numeric constraints, as for every constraint but the not-null ones. */
    private static Predicate<Object> integral(LongPredicate rule) {
        return (value) -> value == null || rule.test(((Number) value).longValue());
    }

    private static Predicate<Object> size(Class<?> type, int min, int max, boolean nullIsValid) {
        if (type == String.class) {
            return (value) -> (value == null) ? nullIsValid : within(((String) value).length(), min, max);
        }
        if (Collection.class.isAssignableFrom(type)) {
            return (value) -> (value == null) ? nullIsValid : within(((Collection<?>) value).size(), min, max);
        }
        if (Map.class.isAssignableFrom(type)) {
            return (value) -> (value == null) ? nullIsValid : within(((Map<?, ?>) value).size(), min, max);
        }
        return null;
    }

    /**
     * Blank by either definition Hibernate Validator has used: {@code isBlank()} (whitespace as
     * {@link Character#isWhitespace} says; the current one) or {@code trim().isEmpty()} (any character up to U+0020),
     * so that an application on another version never gets a value through that its validator would reject.
     */
    private static boolean isBlank(String value) {
        return value.isBlank() || value.trim().isEmpty();
    }

    private static boolean within(int size, int min, int max) {
        return size >= min && size <= max;
    }
}
