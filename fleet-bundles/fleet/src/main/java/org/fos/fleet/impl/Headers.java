package org.fos.fleet.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the OSGi manifest headers an upgrade checks ({@code Bundle-SymbolicName},
 * {@code Import-Package}, {@code Export-Package}): clauses separated by commas, each one or more names
 * with attributes ({@code version="[1,2)"}) and directives ({@code resolution:=optional}) after
 * semicolons; commas and semicolons inside double quotes belong to the value.
 */
final class Headers {

    /**
     * One name of a clause with the clause's attributes and directives.
     *
     * @param name the package or symbolic name
     * @param attributes the attributes, unquoted
     * @param directives the directives, unquoted
     */
    record Clause(String name, Map<String, String> attributes, Map<String, String> directives) {
        String attribute(String key) {
            return attributes.get(key);
        }

        String directive(String key) {
            return directives.get(key);
        }
    }

    private Headers() {
    }

    /**
     * Parses a header.
     *
     * @param header the header's value; null or blank for none
     * @return one clause a name, in order
     * @throws IllegalArgumentException if a quote is not closed or a clause has no name
     */
    static List<Clause> parse(String header) {
        List<Clause> out = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return out;
        }
        for (String clause : split(header, ',')) {
            List<String> names = new ArrayList<>();
            Map<String, String> attributes = new TreeMap<>();
            Map<String, String> directives = new TreeMap<>();
            for (String part : split(clause, ';')) {
                int directive = part.indexOf(":=");
                int attribute = part.indexOf('=');
                if (directive > 0 && directive < attribute) {
                    directives.put(part.substring(0, directive).trim(), unquote(part.substring(directive + 2)));
                } else if (attribute > 0) {
                    String key = part.substring(0, attribute).trim();
                    int typed = key.indexOf(':');
                    attributes.put(typed > 0 ? key.substring(0, typed).trim() : key, unquote(part.substring(attribute + 1)));
                } else if (!part.isBlank()) {
                    names.add(part.trim());
                }
            }
            if (names.isEmpty()) {
                throw new IllegalArgumentException("manifest clause '" + clause.trim() + "' names nothing");
            }
            for (String name : names) {
                out.add(new Clause(name, Map.copyOf(attributes), Map.copyOf(directives)));
            }
        }
        return out;
    }

    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(text.substring(from, i));
                from = i + 1;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("manifest header has an unclosed quote: " + text);
        }
        parts.add(text.substring(from));
        return parts;
    }

    private static String unquote(String value) {
        String v = value.trim();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
