package io.millrace.streams.app.broker;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the embedded Kafka broker of the streams app.
 */
@ConfigurationProperties(EmbeddedBrokerProperties.PREFIX)
public class EmbeddedBrokerProperties {

    /** The prefix of these properties. */
    public static final String PREFIX = "millrace.embedded-broker";

    /** The log directory used when none is configured. */
    public static final Path DEFAULT_LOG_DIR = Path.of(System.getProperty("java.io.tmpdir"), "millrace",
            "embedded-broker");

    /**
     * Whether to start an in-process KRaft broker and point spring.kafka.bootstrap-servers
     * at it. Defaults to true unless spring.kafka.bootstrap-servers is set.
     */
    private Boolean enabled;

    /**
     * Client port of the embedded broker; 0 takes a free port on every start.
     */
    private int port = 9092;

    /**
     * Directory of the embedded broker's logs and metadata. Formatted on first use; its
     * topics, offsets and cluster id are kept across restarts.
     */
    private Path logDir = DEFAULT_LOG_DIR;

    /**
     * Additional broker configuration (server.properties keys), overriding the embedded
     * broker's defaults.
     */
    private Map<String, String> properties = new LinkedHashMap<>();

    public Boolean getEnabled() {
        return this.enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public int getPort() {
        return this.port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public Path getLogDir() {
        return this.logDir;
    }

    public void setLogDir(Path logDir) {
        this.logDir = logDir;
    }

    public Map<String, String> getProperties() {
        return this.properties;
    }

    public void setProperties(Map<String, String> properties) {
        this.properties = properties;
    }

}
