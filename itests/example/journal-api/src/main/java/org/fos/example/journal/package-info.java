/**
 * The protocol of the example journal fleet ({@code /app/journal}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.fos.example.journal;
