package org.fos.transport.shm.impl;

/**
 * A test payload: the sender's name, a number and some bytes.
 *
 * @param sender who sent it
 * @param n its number
 * @param data some bytes
 */
public record Tick(String sender, long n, byte[] data) {
}
