package dev.keel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    private static void write(Path p, String text) throws IOException {
        AtomicFiles.writeAtomically(p, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aNewFileGetsThePermissionsOfAPlainlyCreatedOneAndNoTempFileIsLeft(@TempDir Path dir) throws IOException {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "POSIX file system");
        Path plain = Files.createFile(dir.resolve("plain"));   // 0666 less this process's umask
        Path p = dir.resolve("sub/model.keras");
        write(p, "hello");
        assertEquals("hello", Files.readString(p));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(p));
        try (var files = Files.list(p.getParent())) {
            assertEquals(List.of(p), files.toList(), "only the target remains");
        }
    }

    @Test
    void replacingAFileKeepsItsPermissions(@TempDir Path dir) throws IOException {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "POSIX file system");
        Path p = dir.resolve("curves.png");
        write(p, "old");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw-r--"));
        write(p, "new");
        assertEquals("new", Files.readString(p));
        assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTempFile(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("metrics.json");
        write(p, "kept");
        assertThrows(IOException.class, () -> AtomicFiles.writeAtomically(p, out -> {
            out.write(1);
            throw new IOException("disk full");
        }));
        assertEquals("kept", Files.readString(p));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList());
        }
    }
}
