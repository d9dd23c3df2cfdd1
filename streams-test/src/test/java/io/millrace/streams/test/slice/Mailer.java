package io.millrace.streams.test.slice;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Service;

/**
 * Not a stream's: a {@code @MillraceTest} leaves it out, so the Kafka template it needs is never asked for.
 */
@Service
public class Mailer {

    Mailer(KafkaTemplate<String, String> template) {
    }
}
