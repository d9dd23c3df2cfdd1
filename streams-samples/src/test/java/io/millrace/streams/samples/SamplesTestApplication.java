package io.millrace.streams.samples;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample streams as an application, for the integration tests.
 */
@SpringBootApplication
public class SamplesTestApplication {
}
