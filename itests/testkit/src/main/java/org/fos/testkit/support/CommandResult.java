package org.fos.testkit.support;

/**
 * What a Gogo command did: the value it returned, that value as the shell prints it, and the
 * exception it threw, if any.
 *
 * @param value the value the command returned, or null
 * @param output what the command printed and the value formatted as the shell shows it, or, if it threw,
 *        what it printed before (such as the command's forms, when its arguments fit none) and the error's message
 * @param error the exception the command threw, or null
 */
public record CommandResult(Object value, String output, Throwable error) {

    /**
     * Tells whether the command threw.
     *
     * @return true if it failed
     */
    public boolean failed() {
        return error != null;
    }
}
