package io.millrace.streams.app.compose;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks {@code docker-compose.yml} and its Prometheus and Grafana files without a Docker engine: the services are
 * there, they point at each other's real host names and ports, and every setting of the apps is a property the
 * service binds. {@code DockerComposeIntegrationTests} checks the dashboard against a real scrape.
 */
class DockerComposeTests {

    /** Variables of the app containers that are not Spring properties. */
    private static final Set<String> LAUNCHER_VARIABLES = Set.of("LOADER_PATH", "JAVA_TOOL_OPTIONS");

    private final ComposeFile compose = ComposeFile.load();

    @Test
    void theFileRunsKafkaTwoStreamsAppsPrometheusAndGrafana() {
        assertThat(this.compose.services()).containsKeys("kafka", "prometheus", "grafana");
        assertThat(this.compose.apps()).hasSize(2);
        assertThat(this.compose.service("kafka").get("image").toString()).startsWith("apache/kafka:");
    }

    @Test
    void kafkaIsOneKraftNodeThatIsBrokerAndControllerWithAReachableQuorum() {
        Map<String, String> kafka = this.compose.environment("kafka");
        assertThat(kafka.get("KAFKA_PROCESS_ROLES").split(",")).containsExactlyInAnyOrder("broker", "controller");
        String controller = kafka.get("KAFKA_CONTROLLER_LISTENER_NAMES");
        // 1@kafka:9093: this node's id, at this service, on its controller listener.
        String[] voter = kafka.get("KAFKA_CONTROLLER_QUORUM_VOTERS").split("[@:]");
        assertThat(voter[0]).isEqualTo(kafka.get("KAFKA_NODE_ID"));
        assertThat(voter[1]).isIn("kafka", this.compose.service("kafka").get("hostname"));
        assertThat(listeners(kafka.get("KAFKA_LISTENERS"))).contains(controller + "://:" + voter[2]);
        assertThat(kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).contains(controller + ":");
        assertThat(kafka.get("KAFKA_ADVERTISED_LISTENERS")).doesNotContain(controller + "://");
    }

    @Test
    void theAppsUseKafkaThroughAnAdvertisedListenerAndNoEmbeddedBroker() {
        Set<String> advertised = new LinkedHashSet<>();
        for (String listener : listeners(this.compose.environment("kafka").get("KAFKA_ADVERTISED_LISTENERS"))) {
            advertised.add(listener.substring(listener.indexOf("://") + 3));
        }
        for (String app : this.compose.apps()) {
            assertThat(this.compose.setting(app, "SPRING_KAFKA_BOOTSTRAP_SERVERS", "spring.kafka.bootstrap-servers"))
                .as(app).hasValueSatisfying((servers) -> assertThat(advertised).contains(servers.split(",")));
            assertThat(this.compose.setting(app, "MILLRACE_EMBEDDED_BROKER_ENABLED",
                    "millrace.embedded-broker.enabled")).as(app).hasValue("false");
        }
    }

    @Test
    void theAppsShareTheirConsumerGroupsAndOneOfThemGeneratesTraffic() {
        Set<String> applicationIds = new LinkedHashSet<>();
        List<String> generating = new ArrayList<>();
        for (String app : this.compose.apps()) {
            String name = this.compose.setting(app, "SPRING_APPLICATION_NAME", "spring.application.name")
                .orElse(String.valueOf(applicationYaml("spring.application.name")));
            applicationIds.add(this.compose.setting(app, "MILLRACE_APPLICATION_ID", "millrace.application-id")
                .orElse(name));
            // The service generates unless told not to.
            if (this.compose.setting(app, "MILLRACE_SAMPLES_GENERATOR_ENABLED", "millrace.samples.generator.enabled")
                .orElse("true").equals("true")) {
                generating.add(app);
            }
        }
        assertThat(applicationIds).hasSize(1);
        assertThat(generating).hasSize(1);
    }

    @Test
    void everyVariableAndArgumentOfTheAppsIsAPropertyTheServiceBinds() {
        PropertyMetadata metadata = PropertyMetadata.load();
        List<String> unbound = new ArrayList<>();
        for (String app : this.compose.apps()) {
            this.compose.environment(app).keySet().stream()
                .filter((variable) -> !LAUNCHER_VARIABLES.contains(variable))
                .filter((variable) -> !metadata.bindsVariable(variable))
                .forEach((variable) -> unbound.add(app + ": " + variable));
            this.compose.arguments(app).keySet().stream()
                .filter((argument) -> !metadata.bindsArgument(argument))
                .forEach((argument) -> unbound.add(app + ": --" + argument));
        }
        assertThat(metadata.size()).as("properties known").isGreaterThan(100);
        assertThat(unbound).isEmpty();
    }

    @Test
    void prometheusScrapesEveryAppOnItsManagementPortAndPrometheusPath() {
        Map<String, Object> scrape = scrapeConfig();
        List<String> expected = new ArrayList<>();
        for (String app : this.compose.apps()) {
            String port = this.compose.setting(app, "MANAGEMENT_SERVER_PORT", "management.server.port")
                .or(() -> this.compose.setting(app, "SERVER_PORT", "server.port"))
                .orElse("8080");
            Object host = this.compose.service(app).getOrDefault("hostname", app);
            expected.add(host + ":" + port);
        }
        assertThat(targets(scrape)).containsExactlyInAnyOrderElementsOf(expected);
        Object basePath = applicationYaml("management.endpoints.web.base-path");
        assertThat(scrape.get("metrics_path")).isEqualTo(((basePath != null) ? basePath : "/actuator") + "/prometheus");
        assertThat(String.valueOf(applicationYaml("management.endpoints.web.exposure.include")).split(",\\s*"))
            .contains("prometheus");
    }

    @Test
    void grafanaReadsPrometheusAndTheDashboardFromProvisionedFiles() throws IOException {
        Path provisioning = this.compose.hostPath("grafana", "/etc/grafana/provisioning").orElseThrow();
        Map<String, Object> datasource = first(ComposeFile.yaml(provisioning.resolve("datasources/prometheus.yml")),
                "datasources");
        URI url = URI.create(datasource.get("url").toString());
        assertThat(this.compose.services()).containsKey(url.getHost());
        assertThat(url.getPort()).isEqualTo(9090);
        Map<String, Object> provider = first(ComposeFile.yaml(provisioning.resolve("dashboards/millrace.yml")),
                "providers");
        String dashboards = ((Map<?, ?>) provider.get("options")).get("path").toString();
        Path dashboard = this.compose.hostPath("grafana", dashboards + "/millrace.json").orElseThrow();
        assertThat(dashboard).isRegularFile();
        Set<String> uids = new LinkedHashSet<>();
        new JsonMapper().readTree(dashboard.toFile()).findValues("datasource")
            .forEach((node) -> uids.add(node.path("uid").asString()));
        assertThat(uids).containsExactly(datasource.get("uid").toString());
        String home = this.compose.environment("grafana").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(this.compose.hostPath("grafana", home)).hasValue(dashboard);
    }

    @Test
    void everyDashboardQueryNamesAMetric() {
        List<String> queries = dashboardQueries(this.compose);
        assertThat(queries).hasSizeGreaterThan(8);
        assertThat(queries).allSatisfy((query) -> assertThat(PromQl.of(query).metrics()).as(query).isNotEmpty());
    }

    @Test
    void everyBindMountOtherThanTheBuiltJarExists() {
        for (String service : this.compose.services().keySet()) {
            this.compose.mounts(service).values().stream()
                .filter((source) -> !source.toString().contains("/target/"))
                .forEach((source) -> assertThat(source).as(service).exists());
        }
    }

    /** The PromQL of every panel and the queries of the variables. */
    static List<String> dashboardQueries(ComposeFile compose) {
        Path dashboard = compose.hostPath("grafana", "/var/lib/grafana/dashboards/millrace.json").orElseThrow();
        JsonNode root = new JsonMapper().readTree(dashboard.toFile());
        List<String> queries = new ArrayList<>();
        root.findValues("expr").forEach((expr) -> queries.add(expr.asString()));
        for (JsonNode variable : root.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            queries.add(query.isObject() ? query.path("query").asString() : query.asString());
        }
        return queries;
    }

    private Map<String, Object> scrapeConfig() {
        String configFile = Arrays.stream(this.compose.command("prometheus").toArray(String[]::new))
            .filter((part) -> part.startsWith("--config.file="))
            .map((part) -> part.substring("--config.file=".length()))
            .findFirst()
            .orElse("/etc/prometheus/prometheus.yml");
        Path config = this.compose.hostPath("prometheus", configFile).orElseThrow();
        return first(ComposeFile.yaml(config), "scrape_configs");
    }

    @SuppressWarnings("unchecked")
    private static List<String> targets(Map<String, Object> scrape) {
        List<String> targets = new ArrayList<>();
        for (Map<String, Object> config : (List<Map<String, Object>>) scrape.get("static_configs")) {
            targets.addAll((List<String>) config.get("targets"));
        }
        return targets;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> first(Map<String, Object> document, String key) {
        List<Map<String, Object>> entries = (List<Map<String, Object>>) document.get(key);
        assertThat(entries).as(key).hasSize(1);
        return entries.get(0);
    }

    /** A value of the service's own application.yml, by dotted path, or {@code null}. */
    private static Object applicationYaml(String path) {
        try (InputStream in = DockerComposeTests.class.getClassLoader().getResourceAsStream("application.yml")) {
            Object node = new Yaml().load(in);
            for (String key : path.split("\\.")) {
                node = (node instanceof Map<?, ?> map) ? map.get(key) : null;
            }
            return node;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static List<String> listeners(String listeners) {
        return Arrays.stream(listeners.split(",")).map(String::trim).toList();
    }
}
