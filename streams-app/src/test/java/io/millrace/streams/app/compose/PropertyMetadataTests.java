package io.millrace.streams.app.compose;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PropertyMetadata}: it must tell a real property from a misspelled one, or the compose checks
 * that use it would pass anything.
 */
class PropertyMetadataTests {

    private static final PropertyMetadata METADATA = PropertyMetadata.load();

    @Test
    void theMetadataOfBootTheStarterAndTheServiceAreLoaded() {
        assertThat(METADATA.bindsArgument("spring.kafka.bootstrap-servers")).isTrue();
        assertThat(METADATA.bindsArgument("millrace.http-ingress.enabled")).isTrue();
        assertThat(METADATA.bindsArgument("millrace.samples.generator.enabled")).isTrue();
    }

    @Test
    void environmentVariablesBindByBootsRelaxedRules() {
        assertThat(METADATA.bindsVariable("SPRING_KAFKA_BOOTSTRAP_SERVERS")).isTrue();
        assertThat(METADATA.bindsVariable("MILLRACE_EMBEDDED_BROKER_ENABLED")).isTrue();
        assertThat(METADATA.bindsVariable("SERVER_PORT")).isTrue();
        assertThat(METADATA.bindsVariable("MILLRACE_STREAMS_AUDIT_INPUT")).as("below a map property").isTrue();
    }

    @Test
    void misspelledNamesBindToNothing() {
        assertThat(METADATA.bindsVariable("MILLRACE_EMBEDED_BROKER_ENABLED")).isFalse();
        assertThat(METADATA.bindsVariable("SPRING_KAFKA_BOOTSTRAP_SERVER")).isFalse();
        assertThat(METADATA.bindsArgument("millrace.sample.generator.enabled")).isFalse();
    }
}
