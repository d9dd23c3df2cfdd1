package io.millrace.streams.schema;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.std.StdValueInstantiator;
import tools.jackson.databind.introspect.AnnotatedConstructor;

/**
 * Calls the constructor that takes a message's properties, a record's canonical constructor above all, through a
 * method handle prepared once.
 *
 * <p>Jackson 3 calls it with {@code MethodHandle.invokeWithArguments}, which on Java 17 builds a spreading adapter
 * for every call: a third of the time of decoding a small record. The handle prepared here converts and spreads
 * the arguments exactly as {@code invokeWithArguments} does, and a constructor's exception is reported as Jackson
 * reports it.
 */
final class CreatorHandles extends ValueDeserializerModifier {

    private static final long serialVersionUID = 1L;

    /**
     * Replaces Jackson's own instantiator where it would call a constructor with an array of arguments; here, after
     * every {@code ValueInstantiators} of the application had its say, any instantiator but Jackson's is left alone.
     */
    @Override
    public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription.Supplier description,
            BeanDeserializerBuilder builder) {
        ValueInstantiator instantiator = builder.getValueInstantiator();
        if (instantiator == null || instantiator.getClass() != StdValueInstantiator.class
                || !(instantiator.getWithArgsCreator() instanceof AnnotatedConstructor creator)) {
            return builder;
        }
        Constructor<?> constructor = creator.getAnnotated();
        int arity = constructor.getParameterCount();
        try {
            // Accessible if Jackson made it so (if not, Jackson's own handle would fail alike). Fixed arity as
            // Jackson's own: a varargs constructor takes its array as one argument.
            MethodHandle handle = MethodHandles.lookup()
                .unreflectConstructor(constructor)
                .asFixedArity()
                .asType(MethodType.genericMethodType(arity))
                .asSpreader(Object[].class, arity);
            builder.setValueInstantiator(new HandleInstantiator((StdValueInstantiator) instantiator, handle));
        }
        catch (IllegalAccessException | RuntimeException ex) {
            // Jackson's own call then reports the problem where it always has.
        }
        return builder;
    }

    /** Jackson's instantiator, with the properties-based constructor called through a prepared handle. */
    private static final class HandleInstantiator extends StdValueInstantiator {

        private static final long serialVersionUID = 1L;

        /** {@code (Object[]) -> Object}: converts, spreads and calls, like {@code invokeWithArguments}. */
        private final transient MethodHandle constructor;

        HandleInstantiator(StdValueInstantiator source, MethodHandle constructor) {
            super(source);
            this.constructor = constructor;
        }

        @Override
        public Object createFromObjectWith(DeserializationContext context, Object[] args) throws JacksonException {
            try {
                return (Object) this.constructor.invokeExact(args);
            }
            catch (Error ex) {
                // As in Jackson's own instantiator: errors are not the input's fault.
                throw ex;
            }
            catch (Throwable ex) {
                return context.handleInstantiationProblem(this._valueClass, args, rewrapCtorProblem(context, ex));
            }
        }
    }
}
