package io.millrace.streams.runtime;

/**
 * The streams cannot run as defined: a stream with no input processor or two, an output with no schema for its
 * type, settings for an unknown stream, a cycle between streams. The message names the culprit.
 */
public class InvalidStreamsException extends IllegalStateException {

    public InvalidStreamsException(String message) {
        super(message);
    }
}
