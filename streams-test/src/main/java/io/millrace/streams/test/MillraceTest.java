package io.millrace.streams.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.autoconfigure.OverrideAutoConfiguration;
import org.springframework.boot.test.context.filter.annotation.TypeExcludeFilters;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.BootstrapWith;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * A test of an application's streams without Kafka, like Boot's {@code @JsonTest}: loads the
 * {@code @StreamProcessor} beans, {@code Schema}, {@code StreamDefinition}, {@code StreamStrategy} and
 * {@code ProcessingStrategyFactory} beans, and the {@code millrace.*} configuration; builds the streams as the
 * application does; runs the application's startup checks, so a misconfigured stream fails the context with the
 * message the application would fail with; and injects a fresh {@link MillraceTestDriver} into each test. No Kafka
 * client, no broker, no web server, no other auto-configuration than Jackson and Bean Validation.
 *
 * <p>{@code StreamDefinition} beans declared in a {@code @Configuration} class other than the application class
 * need that class imported ({@code @Import}) or included ({@link #includeFilters()}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@BootstrapWith(MillraceTestContextBootstrapper.class)
@ExtendWith(SpringExtension.class)
@OverrideAutoConfiguration(enabled = false)
@TypeExcludeFilters(MillraceTypeExcludeFilter.class)
@AutoConfigureMillraceTest
@ImportAutoConfiguration
public @interface MillraceTest {

    /**
     * Properties in {@code key=value} form added to the environment before the test runs.
     * @return the properties
     */
    String[] properties() default {};

    /**
     * Whether the default filters (processors, schemas, stream definitions, strategies) apply to component
     * scanning.
     * @return whether they apply
     */
    boolean useDefaultFilters() default true;

    /**
     * More beans to include in component scanning.
     * @return the include filters
     */
    Filter[] includeFilters() default {};

    /**
     * Beans to leave out of component scanning.
     * @return the exclude filters
     */
    Filter[] excludeFilters() default {};

    /**
     * Auto-configuration to leave out.
     * @return the classes
     */
    @AliasFor(annotation = ImportAutoConfiguration.class, attribute = "exclude")
    Class<?>[] excludeAutoConfiguration() default {};
}
