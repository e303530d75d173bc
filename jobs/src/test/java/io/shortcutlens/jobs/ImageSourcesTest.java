package io.shortcutlens.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shortcutlens.lake.ImageSources;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The folder walk every folder input goes through, on the real local file system (no Spark needed). */
class ImageSourcesTest {
    @TempDir
    Path root;

    private void file(String relative, int bytes) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[bytes]);
    }

    @Test
    void everyVisibleFileAtAnyDepthAndNothingUnderAHiddenName() throws IOException {
        for (int i = 0; i < 30; i++) {
            file("bear/" + i + ".png", 10);
            file("cow/deep/er/" + i + ".jpg", 10);
        }
        file("dt=2026-12-07/sheep/a.png", 10);
        file("empty.png", 0); // kept: it becomes an error row, not a vanished image
        file(".DS_Store", 5);
        file("bear/.thumb.png", 5);
        file("_tmp/b.png", 5);
        file(".cache/bear/c.png", 5);
        file("cow/_staging/d.png", 5);
        FileSystem fs = FileSystem.getLocal(new Configuration());
        List<FileStatus> files = ImageSources.walk(fs, new org.apache.hadoop.fs.Path(root.toUri()));
        List<String> names = files.stream().map(f -> root.relativize(Path.of(f.getPath().toUri())).toString()).sorted().toList();
        assertEquals(62, names.size(), names.toString());
        assertEquals(30, names.stream().filter(n -> n.startsWith("cow/deep/er/")).count());
        assertEquals(List.of("dt=2026-12-07/sheep/a.png", "empty.png"), names.stream().filter(n -> n.startsWith("dt=") || n.startsWith("empty")).toList());
        assertEquals(0, names.stream().filter(n -> n.contains("/.") || n.startsWith(".") || n.contains("_")).count(), names.toString());
    }

    @Test
    void aFolderThatCannotBeListedFailsNamingIt() {
        FileSystem fs;
        try {
            fs = FileSystem.getLocal(new Configuration());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        File missing = root.resolve("nowhere").toFile();
        IOException e = assertThrows(IOException.class, () -> ImageSources.walk(fs, new org.apache.hadoop.fs.Path(missing.toURI())));
        assertEquals(true, e.getMessage().contains("nowhere"), e.getMessage());
    }
}
