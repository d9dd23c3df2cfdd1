package io.millrace.streams.app.broker;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.util.Assert;

/**
 * Ties an {@link EmbeddedKafkaBroker} to the application context, so that it is the first
 * thing to start and the last to stop.
 *
 * <p>The broker starts on {@link ApplicationPreparedEvent}: logging is configured by then,
 * and the context is not refreshed yet, so no bean, and no Kafka client, exists.
 *
 * <p>Closing a context runs, in this order: the {@code ContextClosedEvent} listeners, the
 * {@code stop()} of lifecycle beans (the streams finish their work and commit), then the
 * destruction of singletons, in the reverse order of their registration (consumers and
 * producers are closed, which still talks to the broker). The broker is registered as a
 * disposable singleton before the context is refreshed, ahead of every other bean, so it is
 * destroyed after all of them. A context that fails to refresh destroys its singletons too;
 * any other failure of the application stops the broker on {@link ApplicationFailedEvent}.
 */
class EmbeddedKafkaBrokerRegistrar implements ApplicationListener<SpringApplicationEvent> {

    /** The name under which the broker is a singleton of the application context. */
    static final String BEAN_NAME = "millraceEmbeddedKafkaBroker";

    private final EmbeddedKafkaBroker broker;

    EmbeddedKafkaBrokerRegistrar(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    @Override
    public void onApplicationEvent(SpringApplicationEvent event) {
        if (event instanceof ApplicationPreparedEvent prepared) {
            register(prepared.getApplicationContext().getBeanFactory());
            this.broker.start();
        }
        else if (event instanceof ApplicationFailedEvent) {
            this.broker.stop();
        }
    }

    private void register(ConfigurableListableBeanFactory beanFactory) {
        Assert.isInstanceOf(DefaultSingletonBeanRegistry.class, beanFactory,
                "The embedded Kafka broker needs a bean factory that destroys singletons in order");
        beanFactory.registerSingleton(BEAN_NAME, this.broker);
        ((DefaultSingletonBeanRegistry) beanFactory).registerDisposableBean(BEAN_NAME, this.broker::stop);
    }

}
