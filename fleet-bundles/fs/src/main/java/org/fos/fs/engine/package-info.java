/**
 * The file system the file-system fleet's members are built from (ADR 0043): format 2 on a block
 * device (ADR 0040), its mount (journal replay), its groups, its cross-group operations, its check,
 * and the state a member hands on at an upgrade ({@link org.fos.fs.engine.FsEngine#STATE_LAYOUT}).
 * Every version of the {@code org.fos.fs} bundle carries this package and composes its member from
 * an {@link org.fos.fs.engine.FsEngine}; its version says which file systems and handed-on states a
 * version can read, and a change to either is a change of this package's version.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.fos.fs.engine;
