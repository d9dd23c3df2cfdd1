package io.millrace.streams.app.compose;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric and label names a PromQL expression (or a Grafana {@code label_values} query) uses: enough of
 * PromQL to check a dashboard against a scrape, not a parser.
 */
final class PromQl {

    private static final Pattern LABEL_VALUES = Pattern
        .compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");

    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");

    private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)\\}");

    private static final Pattern MATCHER_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");

    private static final Pattern GROUPING = Pattern
        .compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");

    /** A whole name (possessive, so {@code sum(} is no {@code su}) that is not a function's. */
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:$.])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan");

    private final Set<String> metrics = new LinkedHashSet<>();

    private final Set<String> labels = new LinkedHashSet<>();

    private PromQl() {
    }

    /**
     * Reads an expression.
     * @param expression a PromQL expression or a {@code label_values(metric, label)} query
     * @return its names
     */
    static PromQl of(String expression) {
        PromQl names = new PromQl();
        Matcher labelValues = LABEL_VALUES.matcher(expression);
        if (labelValues.matches()) {
            names.metrics.add(labelValues.group(1));
            names.labels.add(labelValues.group(2));
            return names;
        }
        // Strings first: a regex matcher may hold braces, brackets or words.
        String rest = STRING.matcher(expression).replaceAll("\"\"");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = collect(MATCHERS, rest, (group) -> {
            Matcher label = MATCHER_LABEL.matcher(group);
            while (label.find()) {
                names.labels.add(label.group(1));
            }
        });
        rest = collect(GROUPING, rest, (group) -> {
            for (String label : group.split(",")) {
                if (!label.isBlank()) {
                    names.labels.add(label.trim());
                }
            }
        });
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            if (!KEYWORDS.contains(identifier.group(1).toLowerCase())) {
                names.metrics.add(identifier.group(1));
            }
        }
        return names;
    }

    private static String collect(Pattern pattern, String text, java.util.function.Consumer<String> group) {
        Matcher matcher = pattern.matcher(text);
        StringBuilder rest = new StringBuilder();
        while (matcher.find()) {
            group.accept(matcher.group(1));
            matcher.appendReplacement(rest, " ");
        }
        matcher.appendTail(rest);
        return rest.toString();
    }

    Set<String> metrics() {
        return this.metrics;
    }

    Set<String> labels() {
        return this.labels;
    }
}
