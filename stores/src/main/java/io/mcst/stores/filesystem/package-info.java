/**
 * A store in one local directory (a disk, a NAS mount): keys map to paths as
 * {@link io.mcst.stores.filesystem.FileNames} describes, and a put is a fsynced staging file renamed into
 * place, so a crash leaves the old value or the new one. The path layout is what existing directories
 * hold: keep it, or their data is lost to the store. Guarded by {@code FilesystemStoreTest}.
 */
package io.mcst.stores.filesystem;
