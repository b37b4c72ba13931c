/** The protocol of the elastic test fleet. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.fos.itests.elastic;
