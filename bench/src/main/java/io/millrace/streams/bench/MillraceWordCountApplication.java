package io.millrace.streams.bench;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;

import io.millrace.streams.samples.wordcount.WordCounter;

/**
 * The sample {@code word-count} stream exactly as shipped ({@code WordCounter}, {@code WordCounts}, found by
 * component scanning): JSON {@code Word} in, the table {@code word-counts} ({@code counts.merge(word, 1L,
 * Long::sum)}), JSON {@code WordCount} out to {@code word-counts}. The benchmark only moves its input.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@ComponentScan(basePackageClasses = WordCounter.class)
class MillraceWordCountApplication {

    static final String STREAM = "word-count";

    static final String OUTPUT = "word-counts";
}
