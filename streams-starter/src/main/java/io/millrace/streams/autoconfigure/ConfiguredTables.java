package io.millrace.streams.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.MergedAnnotations;

import io.millrace.streams.runtime.InvalidStreamsException;
import io.millrace.streams.runtime.StreamDefinition;
import io.millrace.streams.schema.Schema;
import io.millrace.streams.table.StreamTable;
import io.millrace.streams.table.TableDefinition;

/**
 * Gives each stream its tables: those its input processor declares with {@link StreamTable}, then
 * {@code millrace.streams.<name>.tables.<table>.*}, which overrides their store and schemas or declares more.
 */
final class ConfiguredTables {

    private final SchemaResolver schemas;

    private final ConfiguredSchemas configuredSchemas;

    private final Map<String, MillraceProperties.Stream> settings;

    ConfiguredTables(SchemaResolver schemas, ConfiguredSchemas configuredSchemas,
            Map<String, MillraceProperties.Stream> settings) {
        this.schemas = schemas;
        this.configuredSchemas = configuredSchemas;
        this.settings = settings;
    }

    StreamDefinition apply(StreamDefinition definition) {
        Map<String, TableDefinition<?, ?>> tables = new LinkedHashMap<>();
        definition.tables().forEach((table) -> tables.put(table.name(), table));
        // A re-keyed stream's tables belong to its second stage: its processor declares them.
        Class<?> processorClass = AopUtils.getTargetClass(definition.rekeyed() ? definition.rekey().processor()
                : definition.inputProcessor());
        MergedAnnotations.from(processorClass).stream(StreamTable.class).forEach((annotation) -> {
            StreamTable table = annotation.synthesize();
            String where = "@StreamTable '" + table.name() + "' on " + processorClass.getName();
            tables.put(table.name(), TableDefinition.of(table.name(), schemaOf(table.key(), where),
                    schemaOf(table.value(), where)).withWindows(TableWindows.declared(table, where)));
        });
        MillraceProperties.Stream configured = this.settings.get(definition.name());
        if (configured != null) {
            configured.getTables().forEach((name, properties) -> tables.put(name,
                    configure(definition.name(), name, tables.get(name), properties)));
        }
        if (tables.isEmpty() && definition.tables().isEmpty()) {
            return definition;
        }
        return definition.withTables(new ArrayList<>(tables.values()));
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private TableDefinition<?, ?> configure(String stream, String name, TableDefinition<?, ?> declared,
            MillraceProperties.Table properties) {
        String prefix = "millrace.streams." + stream + ".tables." + name + ".";
        Schema<?> key;
        Schema<?> value;
        if (properties.getKeySchema() != null) {
            key = this.configuredSchemas.resolve(prefix + "key-schema", properties.getKeySchema());
        }
        else {
            key = (declared != null) ? declared.keySchema() : this.schemas.resolve(String.class).orElseThrow();
        }
        if (properties.getValueSchema() != null) {
            value = this.configuredSchemas.resolve(prefix + "value-schema", properties.getValueSchema());
        }
        else if (declared != null) {
            value = declared.valueSchema();
        }
        else {
            throw new InvalidStreamsException(prefix + "value-schema: table '" + name + "' of stream '" + stream
                    + "' is declared by no @StreamTable, so its value schema must be set");
        }
        TableDefinition.StoreType store = (properties.getStore() != null) ? properties.getStore()
                : (declared != null) ? declared.store() : null;
        return new TableDefinition(name, key, value, store,
                TableWindows.configured(prefix + "window.", (declared != null) ? declared.windows() : null,
                        properties.getWindow()));
    }

    private Schema<?> schemaOf(Class<?> type, String where) {
        return this.schemas.resolveOrJson(type).orElseThrow(() -> new InvalidStreamsException(where
                + ": no schema for type " + type.getName()));
    }
}
