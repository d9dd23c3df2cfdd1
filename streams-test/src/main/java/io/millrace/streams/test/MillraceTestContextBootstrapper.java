package io.millrace.streams.test;

import java.util.Arrays;
import java.util.stream.Stream;

import org.springframework.boot.test.autoconfigure.TestSliceTestContextBootstrapper;

/**
 * Bootstraps a {@link MillraceTest}: its properties, and no web application whatever the classpath holds.
 */
class MillraceTestContextBootstrapper extends TestSliceTestContextBootstrapper<MillraceTest> {

    @Override
    protected String[] getProperties(Class<?> testClass) {
        String[] properties = super.getProperties(testClass);
        return Stream.concat(Stream.of("spring.main.web-application-type=none"),
                Arrays.stream((properties != null) ? properties : new String[0])).toArray(String[]::new);
    }
}
