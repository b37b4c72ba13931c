/**
 * The protocol of block devices: servers under {@code /dev/block/<name>} that read, write and
 * flush fixed-size blocks by number.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.fos.block.api;
