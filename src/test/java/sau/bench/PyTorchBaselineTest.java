package sau.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PyTorchBaselineTest {

    @Test
    void aCrashOnAnIllegalInstructionPointsAtOpenBlasCoretype() {
        final String set = PyTorchBaseline.failure(132, "SkylakeX");
        assertTrue(set.contains("illegal instruction") && set.contains("OPENBLAS_CORETYPE=SkylakeX") && set.contains("unset it"), set);
        final String unset = PyTorchBaseline.failure(132, null);
        assertTrue(unset.contains("illegal instruction") && !unset.contains("OPENBLAS_CORETYPE"), unset);
        final String other = PyTorchBaseline.failure(1, "SkylakeX");
        assertTrue(other.contains("exit 1)") && other.contains("apt-get install python3-torch"), other);
    }

    @Test
    void openBlasGetsItsAvx512KernelsWhereTheCpuHasThem() {
        assertEquals("SkylakeX", PyTorchBaseline.openblasCoretype(null, "fpu sse2 avx2 fma avx512f avx512dq avx512bw"));
        assertEquals("SkylakeX", PyTorchBaseline.openblasCoretype("", "avx2 avx512f"), "an empty variable is no choice");
        assertNull(PyTorchBaseline.openblasCoretype(null, "fpu sse2 avx2 fma"), "AVX2 only: OpenBLAS chooses");
        assertNull(PyTorchBaseline.openblasCoretype(null, "avx512_bf16 avx2"), "another AVX-512 extension without avx512f");
        assertNull(PyTorchBaseline.openblasCoretype(null, ""), "no /proc/cpuinfo");
        assertEquals("Haswell", PyTorchBaseline.openblasCoretype("Haswell", "avx2 avx512f"), "the user's setting wins");
    }

    @Test
    void aRowGetsPyTorchsNumberRatioAndTheCoresRoundTripFromItsTwin() {
        final Map<String, Object> ours = new LinkedHashMap<>(Map.of("bench", "train_mlp", "batch", 128, "images_per_s", 100_000.0, "core_round_trip_ns", 52.0));
        final Map<String, Object> twin = new LinkedHashMap<>(Map.of("bench", "train_mlp", "batch", 128, "images_per_s", 80_000.0, "core_round_trip_ns", 411.0));
        final Map<String, Object> otherBatch = new LinkedHashMap<>(Map.of("bench", "train_mlp", "batch", 64, "images_per_s", 1.0));
        final Map<String, Object> row = PyTorchBaseline.sideBySide(List.of(ours), List.of(otherBatch, twin)).get(0);
        assertEquals(80_000.0, row.get("pytorch_images_per_s"));
        assertEquals(1.25, (Double) row.get("ratio"), 1e-12);
        assertEquals(52.0, row.get("core_round_trip_ns"));
        assertEquals(411.0, row.get("pytorch_core_round_trip_ns"));
    }
}
