package io.millrace.streams.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Millrace stream in a Spring Boot application of its own, configured the way a user configures it: the
 * starter's auto-configuration, {@code spring.kafka.*} for the clients and {@code millrace.*} for the stream.
 * Each round starts a new application whose {@code millrace.application-id} is the run id, hence a new consumer
 * group reading from the beginning.
 */
final class MillraceContender implements Contender {

    private final String name;

    private final String description;

    private final Class<?> application;

    private final Map<String, Object> properties;

    private final Map<String, String> topics;

    /**
     * Creates the contender.
     * @param name its name
     * @param description what it is, for the report
     * @param application the application's configuration class
     * @param properties the application's properties, {@code spring.kafka.*} included
     * @param topics the topics it writes, by output name
     */
    MillraceContender(String name, String description, Class<?> application, Map<String, Object> properties,
            Map<String, String> topics) {
        this.name = name;
        this.description = description;
        this.application = application;
        this.properties = Map.copyOf(properties);
        this.topics = Map.copyOf(topics);
    }

    @Override
    public String name() {
        return this.name;
    }

    @Override
    public String description() {
        return this.description;
    }

    @Override
    public Map<String, String> topics() {
        return this.topics;
    }

    @Override
    public AutoCloseable start(String runId) {
        return run(this.application, runId, this.properties);
    }

    /**
     * Starts an application.
     * @param application its configuration class
     * @param runId its application id, the prefix of its client ids
     * @param properties its properties
     * @param initializers what to do to the context before it is refreshed
     * @return the running application
     */
    @SafeVarargs
    static ConfigurableApplicationContext run(Class<?> application, String runId, Map<String, Object> properties,
            ApplicationContextInitializer<ConfigurableApplicationContext>... initializers) {
        Map<String, Object> all = new LinkedHashMap<>(properties);
        all.put("millrace.application-id", runId);
        all.put("spring.application.name", runId);
        all.putIfAbsent("logging.level.root", "WARN");
        return new SpringApplicationBuilder(application).web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false).properties(all).initializers(initializers).run();
    }
}
