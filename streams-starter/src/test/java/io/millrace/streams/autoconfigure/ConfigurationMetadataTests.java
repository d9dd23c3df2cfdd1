package io.millrace.streams.autoconfigure;

import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.millrace.streams.runtime.StreamSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata IDEs complete {@code application.yml} from: what the annotation processor generates from
 * {@link MillraceProperties} and {@link StreamsHealthProperties}, merged with
 * {@code META-INF/additional-spring-configuration-metadata.json}, which describes what the processor cannot: the
 * settings inside the {@code millrace.streams} map, as {@code millrace.streams.*.<key>}, and the values of enums.
 *
 * <p>Holds it to the README's configuration table (every property there, with the same default) and to the code
 * (every per-stream property of the code, with the code's default, and nothing else).
 */
class ConfigurationMetadataTests {

    /** Documented in the README's table but configured by streams-app, whose own metadata its build generates. */
    private static final List<String> STREAMS_APP_PREFIXES = List.of("millrace.embedded-broker.",
            "millrace.samples.");

    /**
     * README rows whose property is not in the metadata yet. Keep it empty: a row belongs here only while the code
     * that reads it is being written elsewhere, with a comment naming that work.
     */
    private static final Set<String> PENDING = Set.of();

    /** A README default that is a value, not a description such as "from the annotation" or "<input>-dlt". */
    private static final Pattern VALUE = Pattern
        .compile("true|false|-?[0-9]+(\\.[0-9]+)?(ms|s|m|h|d|B|KB|MB|GB)?|[a-z]+(-[a-z]+)*");

    private static final String STREAM_PREFIX = "millrace.streams.*.";

    private static Map<String, JsonNode> properties;

    private static Map<String, JsonNode> hints;

    private static Map<String, JsonNode> additional;

    @BeforeAll
    static void readMetadata() throws IOException {
        properties = new TreeMap<>();
        hints = new TreeMap<>();
        additional = new TreeMap<>();
        // Every module's metadata, as an IDE merges them, and this module's additional file over it: the processor
        // merges that file only when it runs, an edit to it alone does not make Maven compile again.
        read("META-INF/spring-configuration-metadata.json", properties, hints);
        Map<String, JsonNode> additionalHints = new TreeMap<>();
        read("META-INF/additional-spring-configuration-metadata.json", additional, additionalHints);
        // Boot's own jars ship theirs too.
        additional.keySet().removeIf((name) -> !name.startsWith("millrace."));
        additionalHints.keySet().removeIf((name) -> !name.startsWith("millrace."));
        properties.putAll(additional);
        hints.putAll(additionalHints);
    }

    @Test
    void theAnnotationProcessorRanAndMergedTheAdditionalFile() throws IOException {
        List<String> generated = new ArrayList<>();
        for (URL url : Collections.list(getClass().getClassLoader()
            .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                JsonNode root = JsonMapper.shared().readTree(in);
                root.path("properties").forEach((property) -> generated.add(property.path("name").asString()));
            }
        }
        // Only the processor writes these: from MillraceProperties, StreamsHealthProperties, the additional file.
        assertThat(generated).contains("millrace.tables.store", "millrace.health.stuck-after",
                "millrace.streams.*.guarantee");
        assertThat(additional).isNotEmpty();
    }

    @Test
    void everyPropertyOfTheReadmesConfigurationTableIsInTheMetadataWithTheSameDefault() throws IOException {
        Map<String, String> readme = DefaultsTests.readmeProperties();
        assertThat(readme).as("README configuration table").hasSizeGreaterThan(30);
        List<String> problems = new ArrayList<>();
        readme.forEach((documented, readmeDefault) -> {
            if (STREAMS_APP_PREFIXES.stream().anyMatch(documented::startsWith) || PENDING.contains(documented)) {
                return;
            }
            String name = metadataName(documented);
            JsonNode property = properties.get(name);
            if (property == null) {
                problems.add(documented + ": not in the metadata (looked for " + name + ")");
                return;
            }
            String value = readmeValue(readmeDefault);
            String metadataDefault = defaultOf(property);
            if (value == null && metadataDefault != null) {
                problems.add(documented + ": the metadata's default " + metadataDefault + " is not in the README ('"
                        + readmeDefault + "')");
            }
            else if (value != null && !sameValue(value, metadataDefault)) {
                problems.add(documented + ": README default " + value + ", metadata default " + metadataDefault);
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void everyPerStreamPropertyOfTheCodeIsDescribedWithItsDefaultAndNothingElse() throws Exception {
        Map<String, Leaf> code = new TreeMap<>();
        collect(MillraceProperties.Stream.class, new MillraceProperties.Stream(), STREAM_PREFIX, code);
        List<String> problems = new ArrayList<>();
        code.forEach((name, leaf) -> {
            JsonNode property = additional.get(name);
            if (property == null) {
                problems.add(name + ": missing from additional-spring-configuration-metadata.json (type "
                        + leaf.type() + (leaf.defaultValue() != null ? ", default " + leaf.defaultValue() : "") + ")");
                return;
            }
            if (!leaf.type().equals(property.path("type").asString())) {
                problems.add(name + ": type " + property.path("type").asString() + ", code " + leaf.type());
            }
            if (!sameValue(leaf.defaultValue(), defaultOf(property))) {
                problems.add(name + ": default " + defaultOf(property) + ", code " + leaf.defaultValue());
            }
        });
        Set<String> stale = new TreeSet<>(additional.keySet());
        stale.removeAll(code.keySet());
        stale.forEach((name) -> problems.add(name + ": in the additional metadata, not in the code"));
        assertThat(problems).isEmpty();
    }

    @Test
    void everyPropertyHasAPlainDescription() {
        assertThat(millraceProperties()).allSatisfy((name, property) -> assertThat(property.path("description")
            .asString("")).as(name).isNotBlank().doesNotContain("{@").doesNotContain("<p>"));
    }

    @Test
    void everyEnumPropertyHasHintsWithEachOfItsValuesDescribed() {
        Map<String, Class<?>> enums = new TreeMap<>();
        millraceProperties().forEach((name, property) -> {
            try {
                Class<?> type = Class.forName(property.path("type").asString());
                if (type.isEnum()) {
                    enums.put(name, type);
                }
            }
            catch (ClassNotFoundException ex) {
                // a generic or JDK type
            }
        });
        assertThat(enums).containsKeys("millrace.tables.store", "millrace.streams.*.guarantee",
                "millrace.streams.*.ordering", "millrace.streams.*.tables.*.store",
                "millrace.streams.*.outputs.*.partitioner");
        enums.forEach((name, type) -> {
            assertThat(hints).as("hints of " + name).containsKey(name);
            List<String> values = new ArrayList<>();
            hints.get(name).path("values").forEach((value) -> {
                values.add(value.path("value").asString());
                assertThat(value.path("description").asString("")).as(name + " " + value).isNotBlank();
            });
            assertThat(values).as(name)
                .containsExactlyElementsOf(Arrays.stream(type.getEnumConstants()).map((c) -> kebab((Enum<?>) c))
                    .toList());
        });
    }

    private static Map<String, JsonNode> millraceProperties() {
        Map<String, JsonNode> millrace = new TreeMap<>();
        properties.forEach((name, property) -> {
            if (name.startsWith("millrace.")) {
                millrace.put(name, property);
            }
        });
        return millrace;
    }

    /** A property of the code as the metadata describes it: Java type name and default, as text. */
    private record Leaf(String type, String defaultValue) {
    }

    /**
     * Walks the bean properties of a properties class: nested classes of {@link MillraceProperties} by their own
     * properties, maps of them by {@code <name>.*.<property>} besides the map itself, anything else as one property.
     */
    private static void collect(Class<?> type, Object instance, String prefix, Map<String, Leaf> leaves)
            throws IntrospectionException, ReflectiveOperationException {
        for (PropertyDescriptor descriptor : Introspector.getBeanInfo(type, Object.class).getPropertyDescriptors()) {
            String name = prefix + kebab(descriptor.getName());
            Type returned = descriptor.getReadMethod().getGenericReturnType();
            Object value = descriptor.getReadMethod().invoke(instance);
            if (returned instanceof Class<?> nested && isNested(nested)) {
                collect(nested, value, name + ".", leaves);
                continue;
            }
            if (returned instanceof ParameterizedType map && map.getRawType() == Map.class
                    && map.getActualTypeArguments()[1] instanceof Class<?> valueType && isNested(valueType)) {
                collect(valueType, newInstance(valueType), name + ".*.", leaves);
            }
            leaves.put(name, new Leaf(typeName(returned), codeDefault(name, value)));
        }
    }

    /** A class declared inside MillraceProperties, at any depth (a Window inside Table too), other than an enum. */
    private static boolean isNested(Class<?> type) {
        for (Class<?> outer = type.getEnclosingClass(); outer != null; outer = outer.getEnclosingClass()) {
            if (outer == MillraceProperties.class) {
                return !type.isEnum();
            }
        }
        return false;
    }

    private static Object newInstance(Class<?> type) {
        try {
            return type.getDeclaredConstructor().newInstance();
        }
        catch (InstantiationException | IllegalAccessException | InvocationTargetException
                | NoSuchMethodException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The default as the metadata shows it; an unset commit interval follows the default guarantee. */
    private static String codeDefault(String name, Object value) {
        if (name.equals(STREAM_PREFIX + "commit.interval") && value == null) {
            return DefaultsTests.duration(StreamSettings.defaultCommitInterval(StreamSettings.DEFAULTS.guarantee()));
        }
        if (value == null || value instanceof Map) {
            return null;
        }
        if (value instanceof Enum<?> constant) {
            return kebab(constant);
        }
        if (value instanceof Duration duration) {
            return DefaultsTests.duration(duration);
        }
        return String.valueOf(value);
    }

    /** As Boot's processor writes a Java type: boxed, nested classes with $, type arguments without spaces. */
    private static String typeName(Type type) {
        if (type instanceof Class<?> plain) {
            if (plain.isPrimitive()) {
                return switch (plain.getName()) {
                    case "int" -> Integer.class.getName();
                    case "boolean" -> Boolean.class.getName();
                    case "long" -> Long.class.getName();
                    case "double" -> Double.class.getName();
                    default -> throw new IllegalArgumentException(plain.getName());
                };
            }
            return plain.getName();
        }
        ParameterizedType parameterized = (ParameterizedType) type;
        return typeName(parameterized.getRawType()) + Arrays.stream(parameterized.getActualTypeArguments())
            .map(ConfigurationMetadataTests::typeName)
            .reduce((left, right) -> left + "," + right)
            .map((arguments) -> "<" + arguments + ">")
            .orElse("");
    }

    /** {@code millrace.streams.<name>.tables.<table>.store} is {@code millrace.streams.*.tables.*.store}. */
    private static String metadataName(String documented) {
        String name = documented.replaceAll("<[^>]+>", "*");
        return name.endsWith(".*") ? name.substring(0, name.length() - 2) : name;
    }

    /** The value of a README default: the part before a parenthesis, if that is a value at all. */
    private static String readmeValue(String readmeDefault) {
        String value = readmeDefault.replaceAll("\\s*\\(.*\\)$", "").trim();
        return VALUE.matcher(value).matches() ? value : null;
    }

    private static String defaultOf(JsonNode property) {
        JsonNode value = property.get("defaultValue");
        return (value == null || value.isNull()) ? null : value.asString();
    }

    private static boolean sameValue(String left, String right) {
        if (left == null || right == null) {
            return left == right;
        }
        if (left.equals(right)) {
            return true;
        }
        try {
            return new BigDecimal(left).compareTo(new BigDecimal(right)) == 0;
        }
        catch (NumberFormatException ex) {
            return false;
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static String kebab(Enum<?> constant) {
        return constant.name().toLowerCase().replace('_', '-');
    }

    private static void read(String resource, Map<String, JsonNode> properties, Map<String, JsonNode> hints)
            throws IOException {
        for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader().getResources(resource))) {
            try (InputStream in = url.openStream()) {
                JsonNode root = JsonMapper.shared().readTree(in);
                root.path("properties").forEach((property) -> properties.put(property.path("name").asString(),
                        property));
                root.path("hints").forEach((hint) -> hints.put(hint.path("name").asString(), hint));
            }
        }
    }
}
