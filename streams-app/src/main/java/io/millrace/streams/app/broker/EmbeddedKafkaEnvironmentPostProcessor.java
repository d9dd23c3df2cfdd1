package io.millrace.streams.app.broker;

import java.util.Map;
import java.util.function.Function;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Sets up the {@link EmbeddedKafkaBroker} while the environment is prepared: points
 * {@code spring.kafka.bootstrap-servers} at it and hands it to an
 * {@link EmbeddedKafkaBrokerRegistrar}, which starts it before any bean exists and stops it
 * after every bean has been stopped and destroyed.
 *
 * <p>Enabled by {@code millrace.embedded-broker.enabled}; when that is not set, enabled
 * unless {@code spring.kafka.bootstrap-servers} is.
 */
public class EmbeddedKafkaEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    /** Runs after the config data (application.yml, profiles) has been loaded. */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE;

    /** The name of the property source that carries the broker's bootstrap servers. */
    public static final String PROPERTY_SOURCE_NAME = "millraceEmbeddedKafkaBroker";

    private static final String BOOTSTRAP_SERVERS = "spring.kafka.bootstrap-servers";

    private final Log logger;

    private final Function<EmbeddedBrokerProperties, EmbeddedKafkaBroker> brokerFactory;

    /**
     * Create the post-processor; Spring Boot calls this.
     * @param logFactory the factory of logs that are replayed once logging is initialized
     */
    public EmbeddedKafkaEnvironmentPostProcessor(DeferredLogFactory logFactory) {
        this(logFactory, (properties) -> new EmbeddedKafkaBroker(properties.getPort(), properties.getLogDir(),
                properties.getProperties()));
    }

    EmbeddedKafkaEnvironmentPostProcessor(DeferredLogFactory logFactory,
            Function<EmbeddedBrokerProperties, EmbeddedKafkaBroker> brokerFactory) {
        this.logger = logFactory.getLog(EmbeddedKafkaEnvironmentPostProcessor.class);
        this.brokerFactory = brokerFactory;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
            // A child application sharing its parent's environment: the parent's broker serves both.
            return;
        }
        Binder binder = Binder.get(environment);
        EmbeddedBrokerProperties properties = binder
            .bind(EmbeddedBrokerProperties.PREFIX, EmbeddedBrokerProperties.class)
            .orElseGet(EmbeddedBrokerProperties::new);
        if (!isEnabled(properties, binder)) {
            this.logger.debug("Embedded Kafka broker disabled");
            return;
        }
        EmbeddedKafkaBroker broker = this.brokerFactory.apply(properties);
        // Not started here: logging is configured after the post-processors run, and a broker
        // running by then would log through Logback while Boot resets it.
        Map<String, Object> bootstrapServers = Map.of(BOOTSTRAP_SERVERS, broker.bootstrapServers());
        environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, bootstrapServers));
        application.addListeners(new EmbeddedKafkaBrokerRegistrar(broker));
        this.logger.debug("Embedded Kafka broker to start on " + broker.bootstrapServers());
    }

    private static boolean isEnabled(EmbeddedBrokerProperties properties, Binder binder) {
        if (properties.getEnabled() != null) {
            return properties.getEnabled();
        }
        return !binder.bind(BOOTSTRAP_SERVERS, Bindable.listOf(String.class)).isBound();
    }

}
