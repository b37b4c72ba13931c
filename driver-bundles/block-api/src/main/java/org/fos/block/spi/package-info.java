/**
 * For writing block drivers: a base class that checks every call and counts, so that a driver only
 * moves bytes.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package org.fos.block.spi;
