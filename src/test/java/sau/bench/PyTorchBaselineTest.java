package sau.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
