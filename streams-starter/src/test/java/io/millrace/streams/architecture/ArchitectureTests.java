package io.millrace.streams.architecture;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import org.springframework.stereotype.Component;

import io.millrace.streams.processor.StreamProcessor;
import io.millrace.streams.runtime.StreamManager;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Keeps the package structure of STYLE.md: features free of Spring, dependencies pointing one way (features →
 * runtime → autoconfigure), no cycles, and a visible line between the API users touch and the machinery in
 * {@code ..internal..} packages.
 */
@AnalyzeClasses(packages = "io.millrace.streams", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    /**
     * The feature packages do not depend on Spring; the one exception is {@link StreamProcessor}, meta-annotated
     * with {@link Component} so that component scanning finds processors.
     */
    @ArchTest
    static final ArchRule featurePackagesDoNotDependOnSpring = classes().that()
        .resideInAnyPackage("..schema..", "..processor..", "..strategy..", "..table..")
        .should(dependOnSpringOnlyForStreamProcessorsComponentAnnotation());

    @ArchTest
    static final ArchRule theRuntimeDoesNotDependOnTheBootGlue = noClasses().that()
        .resideInAPackage("..runtime..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("..autoconfigure..", "..actuate..", "..health..", "..metrics..", "..ingress..", "..query..");

    @ArchTest
    static final ArchRule onlyTheAutoConfigurationDependsOnTheAutoConfiguration = noClasses().that()
        .resideOutsideOfPackage("..autoconfigure..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("..autoconfigure..");

    @ArchTest
    static final ArchRule topLevelPackagesAreFreeOfCycles = slices().matching("io.millrace.streams.(*)..")
        .should()
        .beFreeOfCycles();

    /**
     * The API (every package but the internal ones) does not depend on the machinery. The one exception is
     * {@link StreamManager}, the entry point that owns the running streams.
     */
    @ArchTest
    static final ArchRule theApiDoesNotDependOnInternals = noClasses().that()
        .resideOutsideOfPackage("..internal..")
        .and()
        .doNotBelongToAnyOf(StreamManager.class)
        .should()
        .dependOnClassesThat()
        .resideInAPackage("..internal..");

    @ArchTest
    static final ArchRule internalsAreFreeOfSpring = noClasses().that()
        .resideInAPackage("..internal..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.springframework..");

    /** Every package, internal ones included, apart from the entry point's reach into the runtime's machinery. */
    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices().matching("io.millrace.streams.(**)")
        .should()
        .beFreeOfCycles()
        .ignoreDependency(JavaClass.Predicates.belongToAnyOf(StreamManager.class),
                JavaClass.Predicates.resideInAPackage("..runtime.internal.."));

    @ArchTest
    static final ArchRule internalTypesAreNotNamedInTheApiProcessorsSee = noClasses().that()
        .resideInAnyPackage("..processor..", "..schema..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("..runtime..", "..strategy..", "..internal..");

    @ArchTest
    static final ArchRule streamProcessorIsAComponentSoTheExceptionIsNeeded = classes().that()
        .haveFullyQualifiedName(StreamProcessor.class.getName())
        .should()
        .beMetaAnnotatedWith(Component.class);

    private static ArchCondition<JavaClass> dependOnSpringOnlyForStreamProcessorsComponentAnnotation() {
        return new ArchCondition<>("depend on Spring only for @StreamProcessor's @Component") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                for (Dependency dependency : item.getDirectDependenciesFromSelf()) {
                    JavaClass target = dependency.getTargetClass();
                    if (target.getPackageName().startsWith("org.springframework") && !isAllowed(dependency)) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }

    private static boolean isAllowed(Dependency dependency) {
        return dependency.getOriginClass().isEquivalentTo(StreamProcessor.class)
                && dependency.getTargetClass().isEquivalentTo(Component.class);
    }
}
