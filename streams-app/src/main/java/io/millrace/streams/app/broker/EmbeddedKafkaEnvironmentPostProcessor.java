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
 * Starts the {@link EmbeddedKafkaBroker} while the environment is prepared, before any bean
 * exists, and points {@code spring.kafka.bootstrap-servers} at it.
 *
 * <p>Enabled by {@code millrace.embedded-broker.enabled}; when that is not set, enabled
 * unless {@code spring.kafka.bootstrap-servers} is. The broker is then handed to an
 * {@link EmbeddedKafkaBrokerRegistrar}, which stops it after every bean of the application
 * context has been stopped and destroyed.
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
        long startNanos = System.nanoTime();
        broker.start();
        long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;
        environment.getPropertySources()
            .addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(BOOTSTRAP_SERVERS, broker.bootstrapServers())));
        application.addListeners(new EmbeddedKafkaBrokerRegistrar(broker));
        this.logger.info("Started embedded Kafka broker on " + broker.bootstrapServers() + " in " + elapsedMillis
                + " ms (cluster " + broker.clusterId() + ", log directory " + broker.logDir() + ")");
    }

    private static boolean isEnabled(EmbeddedBrokerProperties properties, Binder binder) {
        if (properties.getEnabled() != null) {
            return properties.getEnabled();
        }
        return !binder.bind(BOOTSTRAP_SERVERS, Bindable.listOf(String.class)).isBound();
    }

}
