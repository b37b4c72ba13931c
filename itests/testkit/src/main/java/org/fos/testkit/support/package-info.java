/**
 * Support for the test code that runs inside the node: the base class of fos integration tests.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.fos.testkit.support;
