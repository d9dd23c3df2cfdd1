package io.millrace.streams.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.ResolvableType;

import io.millrace.streams.processor.BatchInputProcessor;
import io.millrace.streams.processor.FlatOutputProcessor;
import io.millrace.streams.processor.InputProcessor;
import io.millrace.streams.processor.KeySelector;
import io.millrace.streams.processor.Output;
import io.millrace.streams.processor.OutputProcessor;
import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.runtime.Rekey;
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
        Map<String, List<Bound>> rekeyed = new LinkedHashMap<>();
        for (String beanName : beans.getBeanNamesForAnnotation(StreamProcessor.class)) {
            StreamProcessor annotation = beans.findAnnotationOnBean(beanName, StreamProcessor.class);
            Bound bound = new Bound(beanName, beans.getBean(beanName), annotation);
            boolean input = !annotation.input().isBlank();
            boolean output = !annotation.output().isBlank();
            if ((input ? 1 : 0) + (output ? 1 : 0) + (annotation.rekeyed() ? 1 : 0) != 1) {
                throw new InvalidStreamsException("Bean '" + beanName + "': @StreamProcessor(stream = \""
                        + annotation.stream() + "\") needs exactly one of input, output or rekeyed = true");
            }
            (input ? inputs : output ? outputs : rekeyed).computeIfAbsent(annotation.stream(),
                    (name) -> new ArrayList<>()).add(bound);
            inputs.computeIfAbsent(annotation.stream(), (name) -> new ArrayList<>());
        }
        List<StreamDefinition> definitions = new ArrayList<>();
        inputs.forEach((stream, bound) -> definitions.add(define(stream, bound, outputs.getOrDefault(stream,
                List.of()), rekeyed.getOrDefault(stream, List.of()))));
        return definitions;
    }

    private StreamDefinition define(String stream, List<Bound> inputs, List<Bound> outputs, List<Bound> rekeyed) {
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
        Rekey<?> rekey = rekey(stream, input, ingestedType, rekeyed, configured);
        Class<?> routedType = ingestedType;
        if (rekey != null) {
            routedType = ResolvableType.forClass(AopUtils.getTargetClass(rekey.processor())).as(InputProcessor.class)
                .getGeneric(1).resolve(Object.class);
        }
        List<Output<?, ?>> routes = new ArrayList<>();
        for (Bound output : outputs) {
            routes.add(route(stream, output, routedType,
                    (rekey != null) ? "the re-keyed processor" : "the input processor"));
        }
        return new StreamDefinition(stream, topic, inputSchema, processor, routes).withRekey(rekey);
    }

    /**
     * The re-keying of a stream whose input processor also implements {@link KeySelector}: the second stage is the
     * one bean {@code @StreamProcessor(stream = .., rekeyed = true)}, and each stage takes what the one before
     * returns.
     */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    private Rekey<?> rekey(String stream, Bound input, Class<?> ingestedType, List<Bound> rekeyed,
            MillraceProperties.Stream configured) {
        boolean selects = input.bean() instanceof KeySelector;
        if (!selects && rekeyed.isEmpty()) {
            return null;
        }
        String declare = "@StreamProcessor(stream = \"" + stream + "\", rekeyed = true)";
        if (!selects) {
            throw new InvalidStreamsException("Stream '" + stream + "' has a re-keyed processor (bean '"
                    + rekeyed.get(0).name() + "') but its input processor (bean '" + input.name() + "') does not "
                    + "implement KeySelector: implement KeySelector<" + ingestedType.getSimpleName() + "> on it to "
                    + "choose the new key, or drop rekeyed = true");
        }
        if (rekeyed.isEmpty()) {
            throw new InvalidStreamsException("Stream '" + stream + "' re-keys its input (bean '" + input.name()
                    + "' implements KeySelector) but has no re-keyed processor: declare a bean implementing "
                    + "InputProcessor<" + ingestedType.getSimpleName() + ", ?> annotated " + declare);
        }
        if (rekeyed.size() > 1) {
            throw new InvalidStreamsException("Stream '" + stream + "' has " + rekeyed.size()
                    + " re-keyed processors (beans " + rekeyed.stream().map(Bound::name).toList() + "); it takes one");
        }
        Bound second = rekeyed.get(0);
        if (!(second.bean() instanceof InputProcessor<?, ?> processor)) {
            throw new InvalidStreamsException("Bean '" + second.name() + "' is the re-keyed processor of stream '"
                    + stream + "' but does not implement InputProcessor");
        }
        if (processor instanceof BatchInputProcessor) {
            throw new InvalidStreamsException("Bean '" + second.name() + "' is the re-keyed processor of stream '"
                    + stream + "': a BatchInputProcessor cannot be one, its tables are reached record by record; "
                    + "implement InputProcessor");
        }
        Class<?> selected = input.type().as(KeySelector.class).getGeneric(0).resolve(Object.class);
        if (!selected.isAssignableFrom(ingestedType) && ingestedType != Object.class) {
            throw new InvalidStreamsException("Stream '" + stream + "': bean '" + input.name() + "' selects keys of "
                    + selected.getName() + " but its input processor returns " + ingestedType.getName()
                    + "; implement KeySelector<" + ingestedType.getSimpleName() + ">");
        }
        Class<?> taken = second.type().as(InputProcessor.class).getGeneric(0).resolve(Object.class);
        if (!taken.isAssignableFrom(ingestedType) && ingestedType != Object.class) {
            throw new InvalidStreamsException("Re-keyed processor of stream '" + stream + "' (bean '" + second.name()
                    + "') takes " + taken.getName() + " but the input processor (bean '" + input.name()
                    + "') returns " + ingestedType.getName());
        }
        Schema schema = schemaFor(resolved(input.type().as(InputProcessor.class).getGeneric(1), input,
                "re-keyed"), "Repartition topic of stream '" + stream + "' (what bean '" + input.name()
                        + "' returns)");
        int partitions = (configured != null) ? configured.getRepartition().getPartitions() : 0;
        return new Rekey(input.bean() instanceof KeySelector selector ? selector : null, schema, processor,
                partitions);
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private Output<?, ?> route(String stream, Bound output, Class<?> ingestedType, String producer) {
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
                    +  " but " + producer + " returns " + ingestedType.getName());
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
