package io.mcst.stores.filesystem;

import static java.util.Objects.requireNonNull;

import io.mcst.stores.CloseGuard;
import io.mcst.stores.KeyValueStore;
import io.mcst.stores.StoreKeys;
import io.mcst.stores.StoreUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A store in one local directory (a disk, a NAS mount, an on-prem "cloud"). Keys map to paths as
 * {@link FileNames} describes. A put writes a staging file, fsyncs it, renames it atomically into place and
 * fsyncs the directory, so a crash leaves either the old value or the new one, never a torn one.
 */
public final class FilesystemStore implements KeyValueStore {
    /** Attempts to rename into a directory that a concurrent remove keeps pruning. */
    private static final int MAX_RENAME_ATTEMPTS = 100;

    private final String name;
    private final Path root;
    private final Path staging;
    private final CloseGuard guard;

    /** Opens (creating if needed) a store rooted at {@code root}. */
    public FilesystemStore(String name, Path root) {
        this.name = requireNonNull(name, "name");
        this.root = requireNonNull(root, "root").toAbsolutePath().normalize();
        this.staging = this.root.resolve(FileNames.STAGING);
        this.guard = new CloseGuard(name);
        try {
            Files.createDirectories(staging);
        } catch (IOException e) {
            throw new StoreUnavailableException("store '%s': cannot create directory %s: %s".formatted(name, staging, e), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void put(String key, byte[] value) {
        Path target = FileNames.pathOf(root, StoreKeys.check(key));
        requireNonNull(value, "value");
        guard.ensureOpen();
        Path temp = null;
        try {
            temp = Files.createTempFile(staging, "put-", ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(value);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            moveIntoPlace(temp, target);
            temp = null;
            fsyncDirectory(target.getParent());
        } catch (IOException e) {
            throw unavailable("put", key, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // A leftover staging file is harmless: it is never listed as a key.
                }
            }
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        Path path = FileNames.pathOf(root, StoreKeys.check(key));
        guard.ensureOpen();
        try {
            return Optional.of(Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw unavailable("get", key, e);
        }
    }

    @Override
    public void remove(String key) {
        Path path = FileNames.pathOf(root, StoreKeys.check(key));
        guard.ensureOpen();
        try {
            if (Files.deleteIfExists(path)) {
                pruneEmptyDirectories(path.getParent());
            }
        } catch (IOException e) {
            throw unavailable("remove", key, e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        StoreKeys.checkPrefix(prefix);
        guard.ensureOpen();
        Path start = FileNames.directoryOf(root, prefix);
        List<String> keys = new ArrayList<>();
        try {
            if (!Files.isDirectory(start)) {
                return keys;
            }
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return dir.equals(staging) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    FileNames.keyOf(root, file).filter(key -> key.startsWith(prefix)).ifPresent(keys::add);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // removed while we listed: it is simply absent
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw unavailable("list", prefix, e);
        }
        return keys;
    }

    @Override
    public void close() {
        guard.close();
    }

    @Override
    public String toString() {
        return "FilesystemStore[" + name + " at " + root + "]";
    }

    private void moveIntoPlace(Path temp, Path target) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Files.createDirectories(target.getParent());
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return;
            } catch (NoSuchFileException e) {
                // A concurrent remove pruned the (then empty) parent directory between our two calls.
                if (attempt == MAX_RENAME_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private void pruneEmptyDirectories(Path dir) throws IOException {
        for (Path current = dir; current != null && !current.equals(root); current = current.getParent()) {
            try {
                Files.delete(current);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            }
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private StoreUnavailableException unavailable(String operation, String key, IOException e) {
        return new StoreUnavailableException("store '%s': %s of '%s' under %s failed: %s".formatted(name, operation, key, root, e), e);
    }
}
