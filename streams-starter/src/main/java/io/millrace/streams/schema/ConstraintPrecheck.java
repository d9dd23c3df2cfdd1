package io.millrace.streams.schema;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import jakarta.validation.Validator;
import jakarta.validation.metadata.BeanDescriptor;
import jakarta.validation.metadata.ConstraintDescriptor;
import jakarta.validation.metadata.PropertyDescriptor;

/**
 * Tells, for the message types that allow it, that a message satisfies every constraint of its type without
 * calling the {@link Validator}, which costs a few hundred nanoseconds even for a valid one-field record.
 *
 * <p>Resolved once per type from the validator's own metadata: a type without constraints needs no validation; a
 * record whose constraints are all {@link BuiltInConstraints built-in ones} on its components is checked here by
 * the same rules; any other type (class-level, cascaded or container element constraints, groups, custom or
 * composed constraints, getters) is left to the validator for every message. A message that fails here is only
 * suspect: the validator then validates it and alone decides and describes what is wrong.
 */
final class ConstraintPrecheck {

    private static final ConstraintPrecheck UNCONSTRAINED = new ConstraintPrecheck(new MethodHandle[0], List.of());

    /** {@code (Object) -> Object}: reads the value the validator checks, the component's field. */
    private final MethodHandle[] fields;

    /** One rule per constraint of the component read by the field of the same index. */
    private final List<List<Predicate<Object>>> rules;

    private ConstraintPrecheck(MethodHandle[] fields, List<List<Predicate<Object>>> rules) {
        this.fields = fields;
        this.rules = rules;
    }

    /**
     * Resolves the check of a type.
     * @param type the message type
     * @param validator the validator
     * @return the check, or {@code null} if every message of the type must go to the validator
     */
    static ConstraintPrecheck of(Class<?> type, Validator validator) {
        BeanDescriptor bean;
        try {
            bean = validator.getConstraintsForClass(type);
        }
        catch (RuntimeException ex) {
            // A misdeclared constraint: validating each message reports it, as the contract says.
            return null;
        }
        if (!bean.isBeanConstrained()) {
            return UNCONSTRAINED;
        }
        if (!type.isRecord() || !bean.getConstraintDescriptors().isEmpty()) {
            return null;
        }
        List<MethodHandle> fields = new ArrayList<>();
        List<List<Predicate<Object>>> rules = new ArrayList<>();
        for (PropertyDescriptor property : bean.getConstrainedProperties()) {
            MethodHandle field = componentField(type, property);
            List<Predicate<Object>> propertyRules = rules(property);
            if (field == null || propertyRules == null) {
                return null;
            }
            fields.add(field);
            rules.add(propertyRules);
        }
        return new ConstraintPrecheck(fields.toArray(MethodHandle[]::new), List.copyOf(rules));
    }

    /**
     * Whether a message certainly satisfies every constraint of its type.
     * @param value the message, not {@code null}
     * @return {@code true} if it does; {@code false} if the validator must decide
     */
    boolean passes(Object value) {
        for (int i = 0; i < this.fields.length; i++) {
            Object property;
            try {
                property = (Object) this.fields[i].invokeExact(value);
            }
            catch (Throwable ex) {
                return false;
            }
            for (Predicate<Object> rule : this.rules.get(i)) {
                if (!rule.test(property)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<Predicate<Object>> rules(PropertyDescriptor property) {
        if (property.isCascaded() || !property.getConstrainedContainerElementTypes().isEmpty()) {
            return null;
        }
        List<Predicate<Object>> rules = new ArrayList<>();
        for (ConstraintDescriptor<?> constraint : property.getConstraintDescriptors()) {
            Predicate<Object> rule = BuiltInConstraints.rule(constraint, property.getElementClass());
            if (rule == null) {
                return null;
            }
            rules.add(rule);
        }
        return List.copyOf(rules);
    }

    /**
     * The field of the record component a constrained property names, if the validator reads that field: a getter
     * of the same name ({@code getX}, {@code isX}, {@code hasX}) could carry constraints of its own, on a value of
     * its own.
     */
    private static MethodHandle componentField(Class<?> type, PropertyDescriptor property) {
        String name = property.getPropertyName();
        if (hasGetter(type, name)) {
            return null;
        }
        for (RecordComponent component : type.getRecordComponents()) {
            if (component.getName().equals(name)) {
                try {
                    Field field = type.getDeclaredField(name);
                    field.setAccessible(true);
                    return MethodHandles.lookup()
                        .unreflectGetter(field)
                        .asType(MethodType.methodType(Object.class, Object.class));
                }
                catch (ReflectiveOperationException | RuntimeException ex) {
                    // A record in a module that does not open it: the validator has its own way in.
                    return null;
                }
            }
        }
        return null;
    }

    private static boolean hasGetter(Class<?> type, String property) {
        List<Method> methods = new ArrayList<>(List.of(type.getDeclaredMethods()));
        methods.addAll(List.of(type.getMethods()));
        for (Method method : methods) {
            String name = method.getName();
            if (method.getParameterCount() == 0 && (isGetter(name, "get", property) || isGetter(name, "is", property)
                    || isGetter(name, "has", property))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isGetter(String method, String prefix, String property) {
        return method.startsWith(prefix) && method.substring(prefix.length()).equalsIgnoreCase(property);
    }
}
