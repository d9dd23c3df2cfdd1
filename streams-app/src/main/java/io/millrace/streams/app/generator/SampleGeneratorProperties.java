package io.millrace.streams.app.generator;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the sample traffic generator of the streams app.
 */
@ConfigurationProperties(SampleGeneratorProperties.PREFIX)
@Validated
public class SampleGeneratorProperties {

    /** The prefix of these properties. */
    public static final String PREFIX = "millrace.samples.generator";

    /**
     * Whether to create the sample input topics and produce sample traffic to them.
     */
    private boolean enabled = true;

    /**
     * Records per second produced to each sample input topic (animals, sentences).
     */
    @PositiveOrZero
    private double rate = 5;

    /**
     * Fraction of the records that are invalid on purpose (bad JSON, missing id, wrong types,
     * negative values), for the dead-letter topics.
     */
    @DecimalMin("0.0")
    @DecimalMax("1.0")
    private double invalidRatio = 0.05;

    /**
     * Partitions of the sample input topics, when the generator creates them.
     */
    @Min(1)
    private int partitions = 3;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public double getRate() {
        return this.rate;
    }

    public void setRate(double rate) {
        this.rate = rate;
    }

    public double getInvalidRatio() {
        return this.invalidRatio;
    }

    public void setInvalidRatio(double invalidRatio) {
        this.invalidRatio = invalidRatio;
    }

    public int getPartitions() {
        return this.partitions;
    }

    public void setPartitions(int partitions) {
        this.partitions = partitions;
    }

}
