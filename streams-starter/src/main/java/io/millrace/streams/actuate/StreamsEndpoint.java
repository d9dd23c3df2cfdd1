package io.millrace.streams.actuate;

import java.util.List;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import io.millrace.streams.runtime.StreamManager;
import io.millrace.streams.runtime.StreamView;

/**
 * The {@code streams} endpoint: every stream with its state, topics, counts and partitions; write operations
 * pause, resume and restart a stream. Read-only unless {@code management.endpoint.streams.access} is
 * {@code unrestricted}.
 */
@Endpoint(id = "streams", defaultAccess = Access.READ_ONLY)
public class StreamsEndpoint {

    private final StreamManager manager;

    public StreamsEndpoint(StreamManager manager) {
        this.manager = manager;
    }

    /**
     * Every stream.
     * @return the streams
     */
    @ReadOperation
    public StreamsDescriptor streams() {
        return new StreamsDescriptor(this.manager.streams());
    }

    /**
     * One stream.
     * @param name the stream
     * @return the stream, or {@code null} (404) if there is none
     */
    @ReadOperation
    public StreamView stream(@Selector String name) {
        return this.manager.stream(name).orElse(null);
    }

    /**
     * Pauses, resumes or restarts a stream.
     * @param name the stream
     * @param action {@code pause}, {@code resume} or {@code restart}
     * @return the stream after the action, or {@code null} (404) if there is none
     */
    @WriteOperation
    public StreamView act(@Selector String name, String action) {
        boolean found = switch (action) {
            case "pause" -> this.manager.pauseStream(name);
            case "resume" -> this.manager.resumeStream(name);
            case "restart" -> this.manager.restartStream(name);
            default -> throw new IllegalArgumentException("Unknown action '" + action
                    + "'; use pause, resume or restart");
        };
        return found ? this.manager.stream(name).orElse(null) : null;
    }

    /**
     * The streams of the application.
     * @param streams the streams, in registration order
     */
    public record StreamsDescriptor(List<StreamView> streams) {
    }
}
