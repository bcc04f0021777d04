package io.mcst.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Installs a plugin archive the way a user does: unzipped into a directory listed in {@code plugin.path}. */
final class PluginArchive {
    private PluginArchive() {}

    /** Unzips {@code zip} into {@code pluginPath}; returns the archive's top directory. */
    static Path install(Path zip, Path pluginPath) throws IOException {
        if (!Files.isRegularFile(zip)) {
            throw new IOException("plugin archive " + zip + " is missing; build it with: mvn -B -q package -DskipTests");
        }
        Path root = pluginPath.toAbsolutePath().normalize();
        Path top = null;
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException(zip + " holds an entry outside its directory: " + entry.getName());
                }
                if (top == null) {
                    top = root.resolve(root.relativize(target).getName(0));
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(entries, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        if (top == null) {
            throw new IOException("plugin archive " + zip + " is empty");
        }
        return top;
    }
}
