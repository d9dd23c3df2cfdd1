package io.millrace.streams.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import io.millrace.streams.processor.FlatOutputProcessor;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.Output;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.schema.Schemas;

/**
 * Defines the streams that exist only in configuration, like a Bruco processor's YAML file: a
 * {@code millrace.streams.<name>} entry that names no annotated or declared stream and sets an {@code input}.
 * Its processors and schemas are named by property; a missing processor passes values through.
 *
 * <p>Fails with a message naming the property at fault: an unknown bean, a bean of the wrong type, an unknown
 * schema, types that do not fit, or an entry for an unknown stream that sets no input.
 */
final class ConfiguredStreams {

    /** The input processor of a stream that names none. */
    private static final InputProcessor<Object, Object> PASS_THROUGH = (value, context) -> value;

    /** The output processor of an output that names none. */
    private static final OutputProcessor<Object, Object> IDENTITY = (value) -> value;

    private final ListableBeanFactory beans;

    private final SchemaResolver schemas;

    private final ConfiguredSchemas configuredSchemas;

    private final Map<String, MillraceProperties.Stream> settings;

    ConfiguredStreams(ListableBeanFactory beans, SchemaResolver schemas, ConfiguredSchemas configuredSchemas,
            Map<String, MillraceProperties.Stream> settings) {
        this.beans = beans;
        this.schemas = schemas;
        this.configuredSchemas = configuredSchemas;
        this.settings = settings;
    }

    /**
     * Defines the streams of the entries that name no known stream.
     * @param known the streams defined by annotated processors and definition beans
     * @return the streams defined in configuration, in configuration order
     * @throws InvalidStreamsException if an entry is neither a known stream nor a complete definition
     */
    List<StreamDefinition> define(Set<String> known) {
        List<StreamDefinition> definitions = new ArrayList<>();
        this.settings.forEach((name, stream) -> {
            if (known.contains(name)) {
                checkNotRedefined(name, stream);
            }
            else if (StringUtils.hasText(stream.getInput())) {
                definitions.add(define(name, stream));
            }
            else {
                throw new InvalidStreamsException("millrace.streams." + name + " configures an unknown stream '"
                        + name + "'; known streams: " + known + ". To define a stream in configuration, set "
                        + "millrace.streams." + name + ".input");
            }
        });
        return definitions;
    }

    private static void checkNotRedefined(String name, MillraceProperties.Stream stream) {
        String prefix = "millrace.streams." + name;
        String property = StringUtils.hasText(stream.getProcessor()) ? prefix + ".processor"
                : StringUtils.hasText(stream.getSchema()) ? prefix + ".schema" : null;
        for (Map.Entry<String, MillraceProperties.Output> output : stream.getOutputs().entrySet()) {
            if (property == null && StringUtils.hasText(output.getValue().getProcessor())) {
                property = prefix + ".outputs." + output.getKey() + ".processor";
            }
            if (property == null && StringUtils.hasText(output.getValue().getSchema())) {
                property = prefix + ".outputs." + output.getKey() + ".schema";
            }
        }
        if (property != null) {
            throw new InvalidStreamsException(property + ": stream '" + name + "' is defined by annotated "
                    + "processors or a StreamDefinition bean; processors and schemas are named in configuration "
                    + "only for streams defined there");
        }
    }

    private StreamDefinition define(String name, MillraceProperties.Stream stream) {
        String prefix = "millrace.streams." + name;
        InputProcessor<?, ?> processor = PASS_THROUGH;
        Class<?> accepted = null;
        Class<?> returned = null;
        if (StringUtils.hasText(stream.getProcessor())) {
            String property = prefix + ".processor";
            Object bean = bean(property, stream.getProcessor());
            if (!(bean instanceof InputProcessor<?, ?> input)) {
                throw wrongType(property, stream.getProcessor(), bean, InputProcessor.class.getName());
            }
            processor = input;
            ResolvableType types = typeOf(bean).as(InputProcessor.class);
            accepted = known(types.getGeneric(0));
            returned = known(types.getGeneric(1));
        }
        Schema<?> inputSchema = inputSchema(prefix, stream, accepted);
        if (accepted != null && !ClassUtils.isAssignable(accepted, inputSchema.type())) {
            throw new InvalidStreamsException(prefix + ".processor: bean '" + stream.getProcessor() + "' takes "
                    + accepted.getTypeName() + " but the input schema decodes " + inputSchema.type().getTypeName());
        }
        Class<?> reaching = (processor == PASS_THROUGH) ? inputSchema.type() : returned;
        List<Output<?, ?>> outputs = new ArrayList<>();
        stream.getOutputs().forEach((topic, output) -> outputs.add(output(prefix + ".outputs." + topic, topic,
                output, reaching, inputSchema)));
        return new StreamDefinition(name, stream.getInput().trim(), inputSchema, processor, outputs);
    }

    private Schema<?> inputSchema(String prefix, MillraceProperties.Stream stream, Class<?> accepted) {
        if (StringUtils.hasText(stream.getSchema())) {
            return this.configuredSchemas.resolve(prefix + ".schema", stream.getSchema());
        }
        if (!StringUtils.hasText(stream.getProcessor())) {
            // Like Bruco's handler, a stream that says nothing of its data moves bytes, verbatim.
            return Schemas.bytes();
        }
        if (accepted == null) {
            throw new InvalidStreamsException(prefix + ".schema: cannot tell what bean '" + stream.getProcessor()
                    + "' takes; set the schema");
        }
        return schemaOf(accepted, prefix + ".schema");
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private Output<?, ?> output(String prefix, String topic, MillraceProperties.Output output,
            Class<?> reaching, Schema<?> inputSchema) {
        Object processor = IDENTITY;
        Class<?> emitted = reaching;
        if (StringUtils.hasText(output.getProcessor())) {
            String property = prefix + ".processor";
            processor = bean(property, output.getProcessor());
            ResolvableType types;
            if (processor instanceof OutputProcessor) {
                types = typeOf(processor).as(OutputProcessor.class);
            }
            else if (processor instanceof FlatOutputProcessor) {
                types = typeOf(processor).as(FlatOutputProcessor.class);
            }
            else {
                throw wrongType(property, output.getProcessor(), processor, OutputProcessor.class.getName()
                        + " or " + FlatOutputProcessor.class.getName());
            }
            Class<?> accepted = known(types.getGeneric(0));
            if (accepted != null && reaching != null && !ClassUtils.isAssignable(accepted, reaching)) {
                throw new InvalidStreamsException(property + ": bean '" + output.getProcessor() + "' takes "
                        + accepted.getTypeName() + " but the stream hands its outputs " + reaching.getTypeName());
            }
            emitted = known(types.getGeneric(1));
        }
        Schema schema = outputSchema(prefix, output, emitted, inputSchema);
        if (emitted != null && !ClassUtils.isAssignable(schema.type(), emitted)) {
            throw new InvalidStreamsException(prefix + ".schema: encodes " + schema.type().getTypeName()
                    + " but the output's values are " + emitted.getTypeName());
        }
        if (processor instanceof OutputProcessor oneToOne) {
            return Output.of(topic, schema, oneToOne);
        }
        return new Output(topic, schema, (FlatOutputProcessor) processor);
    }

    private Schema<?> outputSchema(String prefix, MillraceProperties.Output output, Class<?> emitted,
            Schema<?> inputSchema) {
        if (StringUtils.hasText(output.getSchema())) {
            return this.configuredSchemas.resolve(prefix + ".schema", output.getSchema());
        }
        if (emitted == null) {
            throw new InvalidStreamsException(prefix + ".schema: cannot tell the type of the output's values; set "
                    + "the schema");
        }
        // Values of the input's type leave as they came in, whatever made the input schema.
        return (emitted == inputSchema.type()) ? inputSchema : schemaOf(emitted, prefix + ".schema");
    }

    private Schema<?> schemaOf(Class<?> type, String property) {
        return this.schemas.resolve(type).orElseThrow(() -> new InvalidStreamsException(property + ": no schema "
                + "for type " + type.getTypeName() + "; set it, annotate the type @StreamSchema or declare a "
                + "Schema bean"));
    }

    private Object bean(String property, String name) {
        String value = name.trim();
        if (this.beans.containsBean(value)) {
            return this.beans.getBean(value);
        }
        throw new InvalidStreamsException(property + ": no bean named '" + value + "'"
                + (value.contains(".") ? " and no class of that name (is its jar on the classpath or in "
                        + "loader.path?)" : ""));
    }

    private static InvalidStreamsException wrongType(String property, String name, Object bean, String expected) {
        return new InvalidStreamsException(property + ": bean '" + name.trim() + "' is a "
                + AopUtils.getTargetClass(bean).getName() + ", which does not implement " + expected);
    }

    private static ResolvableType typeOf(Object bean) {
        return ResolvableType.forClass(AopUtils.getTargetClass(bean));
    }

    /** A type argument, or {@code null} when the class does not tell (a lambda, a raw type). */
    private static Class<?> known(ResolvableType type) {
        Class<?> resolved = type.resolve();
        return (resolved == null || resolved == Object.class) ? null : resolved;
    }
}
