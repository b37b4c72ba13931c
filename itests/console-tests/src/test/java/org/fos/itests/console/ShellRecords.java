package org.fos.itests.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the records the fos shell commands print ({@code Name[a=1, b=x, ...]}) back into maps of their top-level fields. */
final class ShellRecords {
    private ShellRecords() {
    }

    /**
     * Finds every record of a type in a command's output.
     *
     * @param output what the command printed
     * @param type the record's simple name, such as {@code FleetInfo}
     * @return one map of field to text a record, nested records and lists left as text
     */
    static List<Map<String, String>> parse(String output, String type) {
        List<Map<String, String>> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\b" + Pattern.quote(type) + "\\[").matcher(output);
        int from = 0;
        while (m.find(from)) {
            int depth = 0;
            int i = m.end() - 1;
            int start = m.end();
            for (; i < output.length(); i++) {
                char c = output.charAt(i);
                if (c == '[' || c == '{') {
                    depth++;
                } else if (c == ']' || c == '}') {
                    depth--;
                    if (depth == 0) {
                        break;
                    }
                }
            }
            out.add(fields(output.substring(start, Math.min(i, output.length()))));
            from = Math.min(i + 1, output.length());
        }
        return out;
    }

    /** Splits {@code a=1, b=X[c=2, d=3], e={f=g}} at the top-level commas. */
    private static Map<String, String> fields(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= body.length(); i++) {
            char c = i < body.length() ? body.charAt(i) : ',';
            if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                String part = body.substring(start, i).strip();
                int eq = part.indexOf('=');
                if (eq > 0) {
                    out.put(part.substring(0, eq), part.substring(eq + 1));
                }
                start = i + 1;
            }
        }
        return out;
    }
}
