package io.millrace.streams.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Makes a bean of each class that a stream defined in configuration names as its processor or schema, so that a
 * jar dropped into {@code loader.path} needs no Spring configuration of its own: the bean is named after the
 * class, created, injected and destroyed like any other.
 *
 * <p>Runs before any bean is created, so it reads the names straight from the environment.
 */
final class ConfiguredProcessorClasses implements BeanDefinitionRegistryPostProcessor, EnvironmentAware,
        BeanClassLoaderAware {

    private Environment environment;

    private ClassLoader classLoader;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        for (String name : names()) {
            // A bean of that name wins: only a name that is nothing else is taken as a class.
            if (name.contains(".") && !registry.isBeanNameInUse(name) && ClassUtils.isPresent(name, this.classLoader)) {
                registry.registerBeanDefinition(name,
                        new RootBeanDefinition(ClassUtils.resolveClassName(name, this.classLoader)));
            }
        }
    }

    private List<String> names() {
        // Binds only the names: the rest of each entry is bound, and checked, with MillraceProperties.
        Map<String, Names> streams = Binder.get(this.environment)
            .bind("millrace.streams", Bindable.mapOf(String.class, Names.class))
            .orElseGet(Map::of);
        List<String> names = new ArrayList<>();
        for (Names stream : streams.values()) {
            add(names, stream.getProcessor());
            add(names, stream.getSchema());
            for (Names output : stream.getOutputs().values()) {
                add(names, output.getProcessor());
                add(names, output.getSchema());
            }
        }
        return names;
    }

    private static void add(List<String> names, String name) {
        if (StringUtils.hasText(name) && !name.trim().startsWith(ConfiguredSchemas.JSON_PREFIX)) {
            names.add(name.trim());
        }
    }

    /** The class names in a stream entry or one of its outputs. */
    public static class Names {

        private String processor;

        private String schema;

        private Map<String, Names> outputs = new LinkedHashMap<>();

        public String getProcessor() {
            return this.processor;
        }

        public void setProcessor(String processor) {
            this.processor = processor;
        }

        public String getSchema() {
            return this.schema;
        }

        public void setSchema(String schema) {
            this.schema = schema;
        }

        public Map<String, Names> getOutputs() {
            return this.outputs;
        }

        public void setOutputs(Map<String, Names> outputs) {
            this.outputs = outputs;
        }
    }
}
