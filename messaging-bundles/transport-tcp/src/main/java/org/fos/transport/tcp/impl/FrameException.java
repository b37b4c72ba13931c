package org.fos.transport.tcp.impl;

/**
 * A frame or connection refused for a reason that is counted.
 */
final class FrameException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Fault fault;

    FrameException(Fault fault, String message) {
        super(message, null, false, false);
        this.fault = fault;
    }

    Fault fault() {
        return fault;
    }
}
