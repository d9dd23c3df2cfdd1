package io.millrace.streams.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Millrace streams service: the sample streams, actuator, and, unless
 * {@code spring.kafka.bootstrap-servers} points elsewhere, an embedded Kafka broker with
 * sample traffic.
 */
@SpringBootApplication(scanBasePackages = "io.millrace.streams")
public class StreamsApplication {

    /**
     * Run the service.
     * @param args command line arguments, such as {@code --server.port=8085}
     */
    public static void main(String[] args) {
        SpringApplication.run(StreamsApplication.class, args);
    }

}
