package io.millrace.streams.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Interactive queries over HTTP: {@code millrace.queries.*}.
 */
@ConfigurationProperties("millrace.queries")
public class QueriesProperties {

    /**
     * Whether a servlet web application answers queries of the streams' tables over HTTP
     * (GET /streams/{stream}/tables/{table}/{key} and GET /streams/{stream}/tables/{table}), forwarding each to the
     * instance that owns the key's partition.
     */
    private boolean enabled;

    /**
     * Where the other instances reach this one's queries, advertised in the consumer groups of the streams with
     * tables. Defaults to http://<server.address or this host's address>:<the server's actual port>.
     */
    private String advertisedUrl;

    /**
     * How long a query forwarded to another instance may take before it is answered with 503.
     */
    private Duration forwardTimeout = Duration.ofSeconds(5);

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getAdvertisedUrl() {
        return this.advertisedUrl;
    }

    public void setAdvertisedUrl(String advertisedUrl) {
        this.advertisedUrl = advertisedUrl;
    }

    public Duration getForwardTimeout() {
        return this.forwardTimeout;
    }

    public void setForwardTimeout(Duration forwardTimeout) {
        this.forwardTimeout = forwardTimeout;
    }
}
