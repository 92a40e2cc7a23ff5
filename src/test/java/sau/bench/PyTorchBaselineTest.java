package sau.bench;

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
}
