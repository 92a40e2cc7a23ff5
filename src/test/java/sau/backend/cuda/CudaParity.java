package sau.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import sau.tensor.Device;
import sau.tensor.Generator;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * The check every CUDA kernel gets, as llm.c's {@code dev/cuda} files do: run an op on the CPU
 * (the reference) and on the GPU from the same inputs, back-propagate the same random output
 * gradient through both, and compare the outputs and every input's gradient.
 *
 * <p>Tests that use it are tagged {@code cuda}; on a machine without a usable GPU they are
 * skipped, and JUnit shows the reason (no driver, no device, ...).
 */
final class CudaParity {

    static final Device GPU = Device.cuda(0);

    private CudaParity() {}

    /** Skips the calling test, with the reason, unless GPU 0 can run sau's kernels. */
    static void assumeGpu() {
        final String why = CudaDevice.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "no usable GPU: " + why);
    }

    /** Normal random numbers of {@code shape} (on the CPU). */
    static Tensor randn(Generator g, int... shape) {
        return Tensor.randn(g, shape);
    }

    /**
     * Runs {@code op} on {@code inputs} (CPU tensors) and on their copies on the GPU, and asserts
     * that outputs and input gradients agree to relative error {@code tolerance}:
     * ‖gpu − cpu‖ / ‖cpu‖ (on all elements, so a few ulps of rounding pass and a wrong element fails).
     * Inputs that are not to be differentiated (indices, masks) are given in {@code constant}.
     */
    static void check(String name, double tolerance, Function<Tensor[], Tensor> op, Tensor[] inputs, boolean... constant) {
        assumeGpu();
        final Tensor[] cpu = new Tensor[inputs.length], gpu = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            final boolean grad = i >= constant.length || !constant[i];
            cpu[i] = inputs[i].detach().requiresGrad(grad);
            gpu[i] = inputs[i].to(GPU).requiresGrad(grad);
        }
        final Tensor yCpu = op.apply(cpu), yGpu = op.apply(gpu);
        assertEquals(GPU, yGpu.device(), name + ": the output of an op on GPU tensors must be on the GPU");
        assertTrue(Arrays.equals(yCpu.shape(), yGpu.shape()), name + ": shapes " + Shape.str(yCpu.shape()) + " vs " + Shape.str(yGpu.shape()));
        assertClose(name + " output", yCpu.toArray(), yGpu.toArray(), tolerance);
        if (!yCpu.requiresGrad()) return;
        final Tensor seed = Tensor.randn(new Generator(99), yCpu.shape());
        yCpu.backward(seed);
        yGpu.backward(seed.to(GPU));
        for (int i = 0; i < inputs.length; i++) {
            if (!cpu[i].requiresGrad()) continue;
            if (cpu[i].grad() == null) continue;
            if (gpu[i].grad() == null) fail(name + ": input " + i + " got a gradient on the CPU but none on the GPU");
            assertEquals(GPU, gpu[i].grad().device(), name + ": the gradient of input " + i + " must be on the GPU");
            assertClose(name + " gradient of input " + i, cpu[i].grad().toArray(), gpu[i].grad().toArray(), tolerance);
        }
    }

    /** ‖actual − expected‖ / ‖expected‖ ≤ tolerance, and no NaN unless the reference has it there. */
    static void assertClose(String what, float[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length, what + ": sizes");
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.length; i++) {
            if (Float.isNaN(expected[i]) != Float.isNaN(actual[i])) fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            if (Float.isNaN(expected[i])) continue;
            final double d = (double) actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
        }
        final double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
        assertTrue(rel <= tolerance, what + ": relative error " + rel + " > " + tolerance);
    }
}
