package io.millrace.streams.app.compose;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.yaml.snakeyaml.Yaml;

/**
 * The repository's {@code docker-compose.yml} as plain maps and lists (anchors and merge keys resolved), with the
 * few look-ups the checks need.
 */
final class ComposeFile {

    /** The repository root: the tests run in the streams-app module's directory. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private final Map<String, Map<String, Object>> services;

    @SuppressWarnings("unchecked")
    private ComposeFile(Map<String, Object> document) {
        this.services = (Map<String, Map<String, Object>>) document.get("services");
    }

    static ComposeFile load() {
        return new ComposeFile(yaml(ROOT.resolve("docker-compose.yml")));
    }

    /** Reads a YAML file of the repository. */
    static Map<String, Object> yaml(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml().load(reader);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    Map<String, Map<String, Object>> services() {
        return this.services;
    }

    Map<String, Object> service(String name) {
        Map<String, Object> service = this.services.get(name);
        if (service == null) {
            throw new IllegalArgumentException("No service " + name + " in docker-compose.yml");
        }
        return service;
    }

    /** The services that run the streams-app jar. */
    List<String> apps() {
        return this.services.keySet().stream().filter((name) -> command(name).stream()
            .anyMatch((part) -> part.endsWith("streams-app.jar"))).toList();
    }

    /** A service's environment, whether written as a map or as a list of {@code NAME=value}. */
    @SuppressWarnings("unchecked")
    Map<String, String> environment(String name) {
        Object environment = service(name).get("environment");
        Map<String, String> variables = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> map) {
            map.forEach((key, value) -> variables.put(key.toString(), (value != null) ? value.toString() : ""));
        }
        else if (environment instanceof List<?> list) {
            for (String entry : (List<String>) list) {
                int equals = entry.indexOf('=');
                variables.put((equals < 0) ? entry : entry.substring(0, equals),
                        (equals < 0) ? "" : entry.substring(equals + 1));
            }
        }
        return variables;
    }

    /** A service's command as a list, whether written as a list or a string. */
    List<String> command(String name) {
        Object command = service(name).get("command");
        if (command instanceof List<?> list) {
            return list.stream().map(Object::toString).toList();
        }
        return (command != null) ? List.of(command.toString().trim().split("\\s+")) : List.of();
    }

    /** The host paths of a service's bind mounts, by the path they are mounted at. */
    Map<String, Path> mounts(String name) {
        Map<String, Path> mounts = new LinkedHashMap<>();
        Object volumes = service(name).get("volumes");
        if (volumes instanceof List<?> list) {
            for (Object volume : list) {
                String[] parts = volume.toString().split(":");
                if (parts.length >= 2 && parts[0].startsWith(".")) {
                    mounts.put(parts[1], ROOT.resolve(parts[0]).normalize());
                }
            }
        }
        return mounts;
    }

    /** The host file or directory behind a path inside a service's container. */
    Optional<Path> hostPath(String name, String containerPath) {
        for (Map.Entry<String, Path> mount : mounts(name).entrySet()) {
            String target = mount.getKey();
            if (containerPath.equals(target)) {
                return Optional.of(mount.getValue());
            }
            if (containerPath.startsWith(target + "/")) {
                return Optional.of(mount.getValue().resolve(containerPath.substring(target.length() + 1)));
            }
        }
        return Optional.empty();
    }

    /** The command-line arguments {@code --name=value} of a service, by name. */
    Map<String, String> arguments(String name) {
        Map<String, String> arguments = new LinkedHashMap<>();
        for (String part : command(name)) {
            if (part.startsWith("--") && part.contains("=")) {
                arguments.put(part.substring(2, part.indexOf('=')), part.substring(part.indexOf('=') + 1));
            }
        }
        return arguments;
    }

    /** Every value of a service's setting, as its environment variable or as an argument. */
    Optional<String> setting(String name, String variable, String argument) {
        List<String> values = new ArrayList<>();
        Optional.ofNullable(environment(name).get(variable)).ifPresent(values::add);
        Optional.ofNullable(arguments(name).get(argument)).ifPresent(values::add);
        return values.stream().reduce((first, second) -> second);
    }
}
