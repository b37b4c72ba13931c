package org.fos.fs.client;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns a glob into a regular expression with the rules of the JDK's own matcher
 * ({@code FileSystem.getPathMatcher} of the default file system): {@code *} within a name,
 * {@code **} across names, {@code ?} one character of a name, {@code [..]} a class of one name
 * character with ranges and {@code !} for negation, <code>{a,b}</code> alternatives (not nested),
 * {@code \} to escape.
 */
final class Globs {
    private static final String REGEX_META = ".^$+{[]|()";
    private static final String GLOB_META = "\\*?[{";
    private static final char EOL = 0;

    private Globs() {
    }

    static Pattern compile(String glob) {
        return Pattern.compile(toRegex(glob));
    }

    private static char next(String glob, int i) {
        return i < glob.length() ? glob.charAt(i) : EOL;
    }

    static String toRegex(String glob) {
        StringBuilder b = new StringBuilder("^");
        boolean inGroup = false;
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i++);
            switch (c) {
                case '\\' -> {
                    if (i == glob.length()) {
                        throw new PatternSyntaxException("No character to escape", glob, i - 1);
                    }
                    char n = glob.charAt(i++);
                    if (GLOB_META.indexOf(n) >= 0 || REGEX_META.indexOf(n) >= 0) {
                        b.append('\\');
                    }
                    b.append(n);
                }
                case '/' -> b.append(c);
                case '[' -> i = charClass(glob, i, b);
                case '{' -> {
                    if (inGroup) {
                        throw new PatternSyntaxException("Cannot nest groups", glob, i - 1);
                    }
                    b.append("(?:(?:");
                    inGroup = true;
                }
                case '}' -> {
                    if (inGroup) {
                        b.append("))");
                        inGroup = false;
                    } else {
                        b.append('}');
                    }
                }
                case ',' -> b.append(inGroup ? ")|(?:" : ",");
                case '*' -> {
                    if (next(glob, i) == '*') {
                        b.append(".*");
                        i++;
                    } else {
                        b.append("[^/]*");
                    }
                }
                case '?' -> b.append("[^/]");
                default -> {
                    if (REGEX_META.indexOf(c) >= 0) {
                        b.append('\\');
                    }
                    b.append(c);
                }
            }
        }
        if (inGroup) {
            throw new PatternSyntaxException("Missing '}'", glob, i - 1);
        }
        return b.append('$').toString();
    }

    /** Translates a class from just after its {@code [}; returns the index after its {@code ]}. */
    private static int charClass(String glob, int i, StringBuilder b) {
        b.append("[[^/]&&[");
        if (next(glob, i) == '^') {
            b.append("\\^");
            i++;
        } else {
            if (next(glob, i) == '!') {
                b.append('^');
                i++;
            }
            if (next(glob, i) == '-') {
                b.append('-');
                i++;
            }
        }
        boolean rangeStart = false;
        char last = 0;
        char c = 0;
        while (i < glob.length()) {
            c = glob.charAt(i++);
            if (c == ']') {
                break;
            }
            if (c == '/') {
                throw new PatternSyntaxException("Explicit 'name separator' in class", glob, i - 1);
            }
            if (c == '\\' || c == '[' || (c == '&' && next(glob, i) == '&')) {
                b.append('\\');
            }
            b.append(c);
            if (c == '-') {
                if (!rangeStart) {
                    throw new PatternSyntaxException("Invalid range", glob, i - 1);
                }
                c = next(glob, i++);
                if (c == EOL || c == ']') {
                    break;
                }
                if (c < last) {
                    throw new PatternSyntaxException("Invalid range", glob, i - 3);
                }
                b.append(c);
                rangeStart = false;
            } else {
                rangeStart = true;
                last = c;
            }
        }
        if (c != ']') {
            throw new PatternSyntaxException("Missing ']", glob, i - 1);
        }
        b.append("]]");
        return i;
    }
}
