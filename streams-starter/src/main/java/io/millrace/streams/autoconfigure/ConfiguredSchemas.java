package io.millrace.streams.autoconfigure;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.validation.Validator;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.schema.JsonSchema;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.schema.Schemas;

/**
 * Turns the schema of a stream defined in configuration ({@code string}, {@code bytes},
 * {@code json:<class name>} or the name of a {@link Schema} bean) into a {@link Schema}.
 */
final class ConfiguredSchemas {

    static final String JSON_PREFIX = "json:";

    private final ListableBeanFactory beans;

    private final JsonMapper mapper;

    private final Validator validator;

    private final ClassLoader classLoader;

    /** One JSON schema per type, however many streams name it. */
    private final Map<Class<?>, Schema<?>> json = new ConcurrentHashMap<>();

    ConfiguredSchemas(ListableBeanFactory beans, JsonMapper mapper, Validator validator, ClassLoader classLoader) {
        this.beans = beans;
        this.mapper = mapper;
        this.validator = validator;
        this.classLoader = classLoader;
    }

    /**
     * The schema a configuration value names.
     * @param property the property, for messages
     * @param spec the value
     * @return the schema
     * @throws InvalidStreamsException if the value names no schema
     */
    Schema<?> resolve(String property, String spec) {
        String value = spec.trim();
        if (value.equals("string")) {
            return Schemas.string();
        }
        if (value.equals("bytes")) {
            return Schemas.bytes();
        }
        if (value.startsWith(JSON_PREFIX)) {
            Class<?> type = type(property, value.substring(JSON_PREFIX.length()).trim());
            return this.json.computeIfAbsent(type, (key) -> JsonSchema.of(key, this.mapper, this.validator));
        }
        if (this.beans.containsBean(value)) {
            Object bean = this.beans.getBean(value);
            if (bean instanceof Schema<?> schema) {
                return schema;
            }
            throw new InvalidStreamsException(property + ": bean '" + value + "' is a " + bean.getClass().getName()
                    + ", which does not implement " + Schema.class.getName());
        }
        throw new InvalidStreamsException(property + ": unknown schema '" + value + "'; use string, bytes, "
                + JSON_PREFIX + "<fully qualified class name>, or the name of a Schema bean");
    }

    private Class<?> type(String property, String className) {
        try {
            return ClassUtils.forName(className, this.classLoader);
        }
        catch (ClassNotFoundException | LinkageError ex) {
            throw new InvalidStreamsException(property + ": no class " + className + " for the JSON schema "
                    + "(is its jar on the classpath or in loader.path?)");
        }
    }
}
