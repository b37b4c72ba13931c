/**
 * Pax Exam options that boot a fos node inside a test, used on the test's side (the host JVM).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package org.fos.testkit;
