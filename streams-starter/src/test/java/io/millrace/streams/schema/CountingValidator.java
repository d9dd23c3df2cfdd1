package io.millrace.streams.schema;

import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.validation.executable.ExecutableValidator;
import jakarta.validation.metadata.BeanDescriptor;

/**
 * A validator that counts the messages it validates, delegating everything to a real one; tests may override a
 * method to make it fail.
 */
class CountingValidator implements Validator {

    private final Validator delegate;

    private int validated;

    CountingValidator(Validator delegate) {
        this.delegate = delegate;
    }

    /**
     * How many times {@link #validate} was called.
     * @return the count
     */
    int validated() {
        return this.validated;
    }

    @Override
    public <T> Set<ConstraintViolation<T>> validate(T object, Class<?>... groups) {
        this.validated++;
        return this.delegate.validate(object, groups);
    }

    @Override
    public <T> Set<ConstraintViolation<T>> validateProperty(T object, String propertyName, Class<?>... groups) {
        return this.delegate.validateProperty(object, propertyName, groups);
    }

    @Override
    public <T> Set<ConstraintViolation<T>> validateValue(Class<T> beanType, String propertyName, Object value,
            Class<?>... groups) {
        return this.delegate.validateValue(beanType, propertyName, value, groups);
    }

    @Override
    public BeanDescriptor getConstraintsForClass(Class<?> type) {
        return this.delegate.getConstraintsForClass(type);
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        return this.delegate.unwrap(type);
    }

    @Override
    public ExecutableValidator forExecutables() {
        return this.delegate.forExecutables();
    }
}
