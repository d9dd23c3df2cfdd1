package io.millrace.streams.app.compose;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The configuration properties the service knows, from every {@code META-INF/spring-configuration-metadata.json} on
 * the classpath (Boot's, the starter's, the service's own), and whether a variable or argument binds to one, by
 * Boot's own relaxed binding.
 */
final class PropertyMetadata {

    private static final String LOCATION = "META-INF/spring-configuration-metadata.json";

    /** Each property with its type. */
    private final Map<ConfigurationPropertyName, String> properties;

    private PropertyMetadata(Map<ConfigurationPropertyName, String> properties) {
        this.properties = properties;
    }

    static PropertyMetadata load() {
        Map<ConfigurationPropertyName, String> properties = new LinkedHashMap<>();
        JsonMapper json = new JsonMapper();
        try {
            for (URL url : Collections.list(PropertyMetadata.class.getClassLoader().getResources(LOCATION))) {
                try (InputStream in = url.openStream()) {
                    for (JsonNode property : json.readTree(in).path("properties")) {
                        String name = property.path("name").asString();
                        if (ConfigurationPropertyName.isValid(name)) {
                            properties.put(ConfigurationPropertyName.of(name), property.path("type").asString(""));
                        }
                    }
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return new PropertyMetadata(properties);
    }

    int size() {
        return this.properties.size();
    }

    /**
     * Whether an environment variable such as {@code SPRING_KAFKA_BOOTSTRAP_SERVERS} sets a known property.
     * @param variable the variable's name
     * @return whether it binds
     */
    boolean bindsVariable(String variable) {
        // Only a source of this name gets the environment-variable mapping (SPRING_KAFKA_X to spring.kafka.x).
        return binds(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of(variable, "value")));
    }

    /**
     * Whether a command-line argument {@code --name=value} sets a known property.
     * @param name the argument's name, without the dashes
     * @return whether it binds
     */
    boolean bindsArgument(String name) {
        return binds(new MapPropertySource("arguments", Map.of(name, "value")));
    }

    private boolean binds(PropertySource<?> propertySource) {
        ConfigurationPropertySource source = ConfigurationPropertySource.from(propertySource);
        for (Map.Entry<ConfigurationPropertyName, String> property : this.properties.entrySet()) {
            ConfigurationProperty bound = source.getConfigurationProperty(property.getKey());
            if (bound != null) {
                return true;
            }
            // A map property (millrace.streams, spring.kafka.properties) takes any key below it.
            if (property.getValue().startsWith("java.util.Map")
                    && source.containsDescendantOf(property.getKey()) == ConfigurationPropertyState.PRESENT) {
                return true;
            }
        }
        return false;
    }
}
