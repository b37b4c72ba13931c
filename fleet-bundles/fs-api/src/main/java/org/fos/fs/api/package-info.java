/**
 * The file-system fleet of fos: its protocol ({@link org.fos.fs.api.FileSystemFleet}), the records
 * it carries, and {@link org.fos.fs.api.FosFiles}, through which bundles use {@code fos:} paths
 * with plain {@code java.nio.file.Files}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("3.2.0")
package org.fos.fs.api;
