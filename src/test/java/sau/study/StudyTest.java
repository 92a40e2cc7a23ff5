package sau.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The study's layout: splitting activation lists, folder names, study.json. */
class StudyTest {

    @TempDir
    Path tmp;

    @Test
    void splitsOnlyAtTopLevelCommas() {
        assertEquals(List.of("relu", "swish", "leaky_relu"), Study.splitTopLevel("relu,swish,leaky_relu"));
        assertEquals(List.of("relu", "sau(n=1, alpha=0.2)", "elu(alpha=0.5)"), Study.splitTopLevel("relu, sau(n=1, alpha=0.2) ,elu(alpha=0.5)"));
        assertEquals(List.of("softplus(beta=1, threshold=20)"), Study.splitTopLevel("softplus(beta=1, threshold=20)"));
        assertThrows(IllegalArgumentException.class, () -> Study.splitTopLevel("relu,sau(n=1"));
        assertThrows(IllegalArgumentException.class, () -> Study.splitTopLevel("relu),sau"));
        assertThrows(IllegalArgumentException.class, () -> Study.splitTopLevel("relu,,sau"));
    }

    @Test
    void slugsAreFolderNames() {
        assertEquals("relu", Study.slug("relu"));
        assertEquals("leaky_relu-0.15", Study.slug("leaky_relu(0.15)"));
        assertEquals("sau-n-1-alpha-0.2", Study.slug("sau(n=1, alpha=0.2)"));
        assertEquals("gelu-approximate-tanh", Study.slug("GELU(approximate='tanh')"));
        assertEquals(tmp.resolve("sau-n-1").resolve("seed-3"), Study.runDir(tmp, "sau(n=1)", 3));
        assertEquals("sau", Study.family("sau(n=1, alpha=0.2)"));
    }

    @Test
    void studyJsonRoundTrip() throws IOException {
        final Study s = new Study("configs/x.json", List.of("epochs=2"), List.of("relu", "sau(n=1, alpha=0.2)"), List.of(3L, 7L));
        assertFalse(Study.isStudy(tmp));
        s.write(tmp);
        assertTrue(Study.isStudy(tmp));
        assertEquals(s, Study.read(tmp));
    }

    @Test
    void rejectsClashingFoldersAndRepeatedSeeds() {
        assertThrows(IllegalArgumentException.class, () -> new Study("c", List.of(), List.of("sau(n=1)", "sau(n = 1)"), List.of(0L)));
        assertThrows(IllegalArgumentException.class, () -> new Study("c", List.of(), List.of("relu"), List.of(1L, 1L)));
        assertThrows(IllegalArgumentException.class, () -> new Study("c", List.of(), List.of(), List.of(0L)));
    }
}
