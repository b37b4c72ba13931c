/**
 * The fos kernel API: mailboxes, capabilities, messages and names, as seen by bundles on a node.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.6.0")
package org.fos.kernel.api;
