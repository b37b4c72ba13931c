package org.fos.fs.client;

/** Turns a glob ({@code *}, {@code **}, {@code ?}, {@code [..]}, <code>{a,b}</code>) into a regular expression. */
final class Globs {
    private Globs() {
    }

    static String toRegex(String glob) {
        StringBuilder b = new StringBuilder();
        boolean inGroup = false;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        b.append(".*");
                        i++;
                    } else {
                        b.append("[^/]*");
                    }
                }
                case '?' -> b.append("[^/]");
                case '{' -> {
                    b.append("(?:");
                    inGroup = true;
                }
                case '}' -> {
                    b.append(')');
                    inGroup = false;
                }
                case ',' -> b.append(inGroup ? "|" : ",");
                case '[', ']' -> b.append(c);
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        b.append(java.util.regex.Pattern.quote(String.valueOf(glob.charAt(++i))));
                    }
                }
                default -> b.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return b.toString();
    }
}
