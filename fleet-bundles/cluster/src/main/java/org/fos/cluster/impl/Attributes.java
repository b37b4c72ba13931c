package org.fos.cluster.impl;

import java.util.regex.Pattern;

/** The rules for node attribute names. */
final class Attributes {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Attributes() {
    }

    static String requireKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("invalid attribute name '" + key + "': use 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return key;
    }

    private static final Pattern CLAIM = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    static String requireClaimKey(String key) {
        if (key == null || key.length() > 200 || !CLAIM.matcher(key).matches()
                || java.util.Arrays.stream(key.split("/")).anyMatch(s -> s.equals(".") || s.equals(".."))) {
            throw new IllegalArgumentException("invalid claim key '" + key + "': use segments of letters, digits, '.', '_' or '-'"
                    + " separated by '/', at most 200 characters, none of them '.' or '..'");
        }
        return key;
    }

    static String requireValue(String key, String value) {
        if (value == null) {
            throw new IllegalArgumentException("attribute '" + key + "' has no value");
        }
        if (value.length() > 1024 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("attribute '" + key + "' must be one line of at most 1024 characters");
        }
        return value;
    }
}
