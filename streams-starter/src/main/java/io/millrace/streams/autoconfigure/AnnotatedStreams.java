package io.millrace.streams.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.ResolvableType;

import io.millrace.streams.processor.FlatOutputProcessor;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.Output;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.table.Windowed;

/**
 * Turns the {@link StreamProcessor} beans into stream definitions, failing with a message that names the culprit
 * when they do not make a valid stream.
 */
final class AnnotatedStreams {

    private final SchemaResolver schemas;

    private final Map<String, MillraceProperties.Stream> settings;

    AnnotatedStreams(SchemaResolver schemas, Map<String, MillraceProperties.Stream> settings) {
        this.schemas = schemas;
        this.settings = settings;
    }

    /**
     * Finds the annotated streams.
     * @param beans the bean factory
     * @return the definitions, in bean registration order
     * @throws InvalidStreamsException if the processors do not make valid streams
     */
    List<StreamDefinition> discover(ListableBeanFactory beans) {
        Map<String, List<Bound>> inputs = new LinkedHashMap<>();
        Map<String, List<Bound>> outputs = new LinkedHashMap<>();
        for (String beanName : beans.getBeanNamesForAnnotation(StreamProcessor.class)) {
            StreamProcessor annotation = beans.findAnnotationOnBean(beanName, StreamProcessor.class);
            Bound bound = new Bound(beanName, beans.getBean(beanName), annotation);
            boolean input = !annotation.input().isBlank();
            boolean output = !annotation.output().isBlank();
            if (input == output) {
                throw new InvalidStreamsException("Bean '" + beanName + "': @StreamProcessor(stream = \""
                        + annotation.stream() + "\") needs exactly one of input or output");
            }
            (input ? inputs : outputs).computeIfAbsent(annotation.stream(), (name) -> new ArrayList<>()).add(bound);
            inputs.computeIfAbsent(annotation.stream(), (name) -> new ArrayList<>());
        }
        List<StreamDefinition> definitions = new ArrayList<>();
        inputs.forEach((stream, bound) -> definitions.add(define(stream, bound, outputs.getOrDefault(stream,
                List.of()))));
        return definitions;
    }

    private StreamDefinition define(String stream, List<Bound> inputs, List<Bound> outputs) {
        if (inputs.isEmpty()) {
            throw new InvalidStreamsException("Stream '" + stream + "' has no input processor: its outputs (beans "
                    + outputs.stream().map(Bound::name).toList() + ") need a bean implementing InputProcessor "
                    + "annotated @StreamProcessor(stream = \"" + stream + "\", input = \"<topic>\")");
        }
        if (inputs.size() > 1) {
            throw new InvalidStreamsException("Stream '" + stream + "' has " + inputs.size()
                    + " input processors (beans " + inputs.stream().map(Bound::name).toList() + "); it takes one");
        }
        Bound input = inputs.get(0);
        if (!(input.bean() instanceof InputProcessor<?, ?> processor)) {
            throw new InvalidStreamsException("Bean '" + input.name() + "' is the input of stream '" + stream
                    + "' but does not implement InputProcessor");
        }
        ResolvableType inputTypes = input.type().as(InputProcessor.class);
        Class<?> inputType = resolved(inputTypes.getGeneric(0), input, "input");
        Class<?> ingestedType = inputTypes.getGeneric(1).resolve(Object.class);
        Schema<?> inputSchema = schemaFor(inputType, "Input of stream '" + stream + "' (bean '" + input.name()
                + "')");
        MillraceProperties.Stream configured = this.settings.get(stream);
        String topic = (configured != null && configured.getInput() != null && !configured.getInput().isBlank())
                ? configured.getInput() : input.annotation().input();
        List<Output<?, ?>> routes = new ArrayList<>();
        for (Bound output : outputs) {
            routes.add(route(stream, output, ingestedType));
        }
        return new StreamDefinition(stream, topic, inputSchema, processor, routes);
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private Output<?, ?> route(String stream, Bound output, Class<?> ingestedType) {
        String topic = output.annotation().output();
        String where = "Output '" + topic + "' of stream '" + stream + "' (bean '" + output.name() + "')";
        ResolvableType types;
        if (output.bean() instanceof OutputProcessor) {
            types = output.type().as(OutputProcessor.class);
        }
        else if (output.bean() instanceof FlatOutputProcessor) {
            types = output.type().as(FlatOutputProcessor.class);
        }
        else {
            throw new InvalidStreamsException(where + " implements neither OutputProcessor nor FlatOutputProcessor");
        }
        Class<?> accepted = types.getGeneric(0).resolve(Object.class);
        String windowsOf = output.annotation().closedWindowsOf();
        if (!windowsOf.isBlank()) {
            if (!accepted.isAssignableFrom(Windowed.class)) {
                throw new InvalidStreamsException(where + " takes the closed windows of table '" + windowsOf
                        + "' but its input type is " + accepted.getName() + ", not Windowed<K, V>");
            }
            Schema schema = schemaFor(resolved(types.getGeneric(1), output, "output"), where);
            Output route = (output.bean() instanceof OutputProcessor processor) ? Output.of(topic, schema, processor)
                    : new Output(topic, schema, (FlatOutputProcessor) output.bean());
            return route.ofClosedWindows(windowsOf);
        }
        if (!accepted.isAssignableFrom(ingestedType) && ingestedType != Object.class) {
            throw new InvalidStreamsException(where + " takes " + accepted.getName()
                    + " but the input processor returns " + ingestedType.getName());
        }
        Schema schema = schemaFor(resolved(types.getGeneric(1), output, "output"), where);
        if (output.bean() instanceof OutputProcessor processor) {
            return Output.of(topic, schema, processor);
        }
        return new Output(topic, schema, (FlatOutputProcessor) output.bean());
    }

    private Schema<?> schemaFor(Class<?> type, String where) {
        return this.schemas.resolve(type).orElseThrow(() -> new InvalidStreamsException(where
                + ": no schema for type " + type.getName() + "; annotate it @StreamSchema or declare a Schema<"
                + type.getSimpleName() + "> bean"));
    }

    private static Class<?> resolved(ResolvableType type, Bound bound, String role) {
        Class<?> resolved = type.resolve();
        if (resolved == null || resolved == Object.class) {
            throw new InvalidStreamsException("Bean '" + bound.name() + "': cannot tell its " + role
                    + " message type; declare the processor's type arguments on its class");
        }
        return resolved;
    }

    /** A processor bean with its annotation. */
    private record Bound(String name, Object bean, StreamProcessor annotation) {

        ResolvableType type() {
            return ResolvableType.forClass(AopUtils.getTargetClass(this.bean));
        }
    }
}
