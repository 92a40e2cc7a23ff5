package sau.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sau.backend.cuda.CudaParity.GPU;
import static sau.backend.cuda.CudaParity.assumeGpu;
import static sau.backend.cuda.CudaParity.check;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import sau.backend.Backend;
import sau.nn.Linear;
import sau.ops.Arithmetic;
import sau.ops.MathFunctions;
import sau.ops.MatMul;
import sau.ops.Reductions;
import sau.ops.Views;
import sau.optim.Adam;
import sau.optim.GradClip;
import sau.optim.AdamW;
import sau.optim.Optimizer;
import sau.optim.SGD;
import sau.tensor.Arena;
import sau.tensor.Device;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** Storage, copies, elementwise arithmetic, reductions, matrix products and optimizers on the GPU against the CPU. */
@Tag("cuda")
class CudaCoreTest {

    private final Generator g = new Generator(7);

    @Test
    void roundTripKeepsEveryNumberAndViewsCopyWithTheirStrides() {
        assumeGpu();
        final Tensor x = Tensor.randn(g, 3, 5, 7);
        final Tensor onGpu = x.to(GPU);
        assertEquals(GPU, onGpu.device());
        assertArrayEquals(x.toArray(), onGpu.toArray());
        assertArrayEquals(x.toArray(), onGpu.to(Device.CPU).toArray());
        // a transposed, sliced view gathered on the GPU equals the same view on the CPU
        final Tensor view = Views.narrow(Views.transpose(x, 0, 2), 1, 1, 3);
        final Tensor viewGpu = Views.narrow(Views.transpose(onGpu, 0, 2), 1, 1, 3);
        assertArrayEquals(view.toArray(), viewGpu.toArray());
        assertArrayEquals(view.toArray(), viewGpu.contiguousData().toArray());
        assertEquals(x.get(2, 4, 6), onGpu.get(2, 4, 6));
    }

    @Test
    void opsOnTwoDevicesNameBoth() {
        assumeGpu();
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Arithmetic.add(Tensor.randn(g, 4, 4), Tensor.randn(g, 4, 4).to(GPU)));
        assertTrue(e.getMessage().contains("cpu") && e.getMessage().contains("cuda:0"), e.getMessage());
        final IllegalStateException read = assertThrows(IllegalStateException.class, () -> Tensor.zeros(3).to(GPU).data());
        assertTrue(read.getMessage().contains("cuda:0"), read.getMessage());
    }

    @Test
    void elementwiseArithmeticWithBroadcastingMatchesTheCpu() {
        check("add broadcast", 1e-6, t -> Arithmetic.add(t[0], t[1]), new Tensor[] {Tensor.randn(g, 4, 1, 6), Tensor.randn(g, 5, 1)});
        check("sub", 1e-6, t -> Arithmetic.sub(t[0], t[1]), new Tensor[] {Tensor.randn(g, 33, 17), Tensor.randn(g, 33, 17)});
        check("mul transposed", 1e-6, t -> Arithmetic.mul(Views.transpose(t[0], 0, 1), t[1]), new Tensor[] {Tensor.randn(g, 9, 8), Tensor.randn(g, 8, 9)});
        check("div", 1e-6, t -> Arithmetic.div(t[0], Arithmetic.add(MathFunctions.abs(t[1]), 1f)), new Tensor[] {Tensor.randn(g, 100), Tensor.randn(g, 100)});
        check("scalar", 1e-6, t -> Arithmetic.sub(Arithmetic.mul(t[0], 3f), 1f), new Tensor[] {Tensor.randn(g, 1000)});
        check("maximum", 1e-6, t -> Arithmetic.maximum(t[0], t[1]), new Tensor[] {Tensor.randn(g, 64), Tensor.randn(g, 64)});
        check("pow", 1e-5, t -> Arithmetic.pow(MathFunctions.abs(t[0]), 1.5f), new Tensor[] {Tensor.randn(g, 64)});
        for (String f : List.of("exp", "log", "sqrt", "tanh", "sigmoid", "erf")) {
            check(f, 1e-5, t -> {
                final Tensor x = f.equals("log") || f.equals("sqrt") ? Arithmetic.add(MathFunctions.abs(t[0]), 0.1f) : t[0];
                return switch (f) {
                    case "exp" -> MathFunctions.exp(x);
                    case "log" -> MathFunctions.log(x);
                    case "sqrt" -> MathFunctions.sqrt(x);
                    case "tanh" -> MathFunctions.tanh(x);
                    case "sigmoid" -> MathFunctions.sigmoid(x);
                    default -> MathFunctions.erf(x);
                };
            }, new Tensor[] {Tensor.randn(g, 2000)});
        }
        check("clamp", 1e-6, t -> MathFunctions.clamp(t[0], -0.5f, 0.5f), new Tensor[] {Tensor.randn(g, 300)});
    }

    @Test
    void reductionsMatchTheCpu() {
        check("sum all", 1e-5, t -> Reductions.sum(t[0]), new Tensor[] {Tensor.randn(g, 37, 41)});
        check("sum dim 0", 1e-5, t -> Reductions.sum(t[0], 0, false), new Tensor[] {Tensor.randn(g, 37, 41)});
        check("sum last dim", 1e-5, t -> Reductions.sum(t[0], -1, true), new Tensor[] {Tensor.randn(g, 5, 3, 1000)});
        check("mean middle", 1e-5, t -> Reductions.mean(t[0], 1, false), new Tensor[] {Tensor.randn(g, 4, 50, 6)});
        check("var", 1e-5, t -> Reductions.var(t[0], 1, false), new Tensor[] {Tensor.randn(g, 6, 70)});
        check("max", 1e-6, t -> Reductions.max(t[0], 1, false), new Tensor[] {Tensor.randn(g, 6, 70, 3)});
        final Tensor x = Tensor.randn(g, 8, 10);
        assertArrayEquals(Reductions.argmax(x, 1, false).toArray(), Reductions.argmax(x.to(GPU), 1, false).toArray());
    }

    @Test
    void matrixProductsMatchTheCpuInEveryLayout() {
        for (boolean tf32 : new boolean[] {false, true}) {
            CudaGemm.allowTf32(tf32);
            try {
                // TF32 rounds the operands to 10 mantissa bits: about 1e-3 relative error per product
                final double tol = tf32 ? 3e-3 : 1e-5;
                check("matmul " + tf32, tol, t -> MatMul.matmul(t[0], t[1]), new Tensor[] {Tensor.randn(g, 130, 70), Tensor.randn(g, 70, 129)});
                check("matmul Aᵀ " + tf32, tol, t -> MatMul.matmul(Views.transpose(t[0], 0, 1), t[1]), new Tensor[] {Tensor.randn(g, 33, 200), Tensor.randn(g, 33, 5)});
                check("matmul Bᵀ " + tf32, tol, t -> MatMul.matmul(t[0], Views.transpose(t[1], 0, 1)), new Tensor[] {Tensor.randn(g, 3, 300), Tensor.randn(g, 257, 300)});
                check("batched broadcast " + tf32, tol, t -> MatMul.matmul(t[0], t[1]), new Tensor[] {Tensor.randn(g, 2, 3, 17, 40), Tensor.randn(g, 40, 19)});
                check("attention-like " + tf32, tol, t -> MatMul.matmul(t[0], Views.transpose(t[1], -1, -2)), new Tensor[] {Tensor.randn(g, 2, 4, 10, 16), Tensor.randn(g, 2, 4, 12, 16)});
                check("vector " + tf32, tol, t -> MatMul.matmul(t[0], t[1]), new Tensor[] {Tensor.randn(g, 64), Tensor.randn(g, 64, 3)});
                // rows that start on 16 bytes: the kernels with 16-byte copies, in every layout, cut at the edges
                check("aligned nn " + tf32, tol, t -> MatMul.matmul(t[0], t[1]), new Tensor[] {Tensor.randn(g, 132, 96), Tensor.randn(g, 96, 200)});
                check("aligned tn " + tf32, tol, t -> MatMul.matmul(Views.transpose(t[0], 0, 1), t[1]), new Tensor[] {Tensor.randn(g, 100, 132), Tensor.randn(g, 100, 200)});
                check("aligned nt " + tf32, tol, t -> MatMul.matmul(t[0], Views.transpose(t[1], 0, 1)), new Tensor[] {Tensor.randn(g, 132, 100), Tensor.randn(g, 204, 100)});
                check("aligned tt " + tf32, tol, t -> MatMul.matmul(Views.transpose(t[0], 0, 1), Views.transpose(t[1], 0, 1)),
                    new Tensor[] {Tensor.randn(g, 96, 260), Tensor.randn(g, 136, 96)});
                check("k cut inside a float4 " + tf32, tol, t -> MatMul.matmul(Views.narrow(t[0], 1, 0, 70), t[1]), new Tensor[] {Tensor.randn(g, 40, 72), Tensor.randn(g, 70, 64)});
                check("aligned batched " + tf32, tol, t -> MatMul.matmul(t[0], t[1]), new Tensor[] {Tensor.randn(g, 3, 64, 32), Tensor.randn(g, 3, 32, 48)});
                final Linear layer = new Linear(45, 31, true, new Generator(3));
                check("linear " + tf32, tol, t -> sau.ops.LinearOp.linear(t[0], t[1], t[2]),
                    new Tensor[] {Tensor.randn(g, 4, 6, 45), layer.weight().detach(), layer.bias().detach()});
            } finally {
                CudaGemm.allowTf32(false);
            }
        }
    }

    @Test
    void optimizersUpdateGpuParametersAsOnTheCpu() {
        assumeGpu();
        for (String name : List.of("sgd", "sgd-nesterov", "adam", "adamw", "adam-amsgrad")) {
            final Tensor start = Tensor.randn(g, 300, 7);
            final Tensor pCpu = start.detach().requiresGrad(true), pGpu = start.to(GPU).requiresGrad(true);
            final Optimizer cpu = optimizer(name, pCpu), gpu = optimizer(name, pGpu);
            for (int step = 0; step < 3; step++) {
                final Tensor grad = Tensor.randn(g, 300, 7);
                pCpu.setGrad(grad);
                pGpu.setGrad(grad.to(GPU));
                cpu.step();
                gpu.step();
            }
            CudaParity.assertClose(name, pCpu.toArray(), pGpu.toArray(), 1e-6);
            // the state dict of GPU state comes back as arrays, and loads onto the GPU again
            final Optimizer reloaded = optimizer(name, pGpu);
            reloaded.loadStateDict(gpu.stateDict());
            assertEquals(gpu.stateDict().keySet(), reloaded.stateDict().keySet());
        }
    }

    @Test
    void gradientClippingOnTheGpuMatchesTheCpu() {
        assumeGpu();
        final Tensor a = Tensor.randn(g, 40, 30), b = Tensor.randn(g, 17);
        final Tensor ga = Tensor.randn(g, 40, 30), gb = Tensor.randn(g, 17);
        final Tensor aCpu = a.detach().requiresGrad(true), bCpu = b.detach().requiresGrad(true);
        final Tensor aGpu = a.to(GPU).requiresGrad(true), bGpu = b.to(GPU).requiresGrad(true);
        aCpu.setGrad(ga);
        bCpu.setGrad(gb);
        aGpu.setGrad(ga.to(GPU));
        bGpu.setGrad(gb.to(GPU));
        final double normCpu = GradClip.clipGradNorm(List.of(aCpu, bCpu), 1.0), normGpu = GradClip.clipGradNorm(List.of(aGpu, bGpu), 1.0);
        assertEquals(normCpu, normGpu, 1e-4 * normCpu);
        CudaParity.assertClose("clipped", aCpu.grad().toArray(), aGpu.grad().toArray(), 1e-6);
        assertEquals(GPU, aGpu.grad().device());
    }

    private static Optimizer optimizer(String name, Tensor p) {
        return switch (name) {
            case "sgd" -> new SGD(List.of(p), 0.1, 0.9, 0, 5e-4, false);
            case "sgd-nesterov" -> new SGD(List.of(p), 0.1, 0.9, 0, 5e-4, true);
            case "adam" -> new Adam(List.of(p), 1e-2, 0.9, 0.999, 1e-8, 1e-4, false);
            case "adam-amsgrad" -> new Adam(List.of(p), 1e-2, 0.9, 0.999, 1e-8, 0, true);
            default -> new AdamW(List.of(p), 1e-2);
        };
    }

    @Test
    void aTrainingStepInAnArenaAllocatesNothingAfterTheFirst() {
        assumeGpu();
        final Linear layer = new Linear(256, 128, true, new Generator(1));
        layer.to(GPU);
        final CudaAllocator allocator = CudaDevice.get(0).allocator();
        long afterFirst = -1;
        for (int step = 0; step < 4; step++) {
            try (Arena arena = Arena.open()) {
                final Tensor x = Arena.to(Tensor.randn(g, 64, 256), GPU);
                Reductions.sum(layer.forward(x)).backward();
            }
            if (step == 1) afterFirst = allocator.driverAllocations();
        }
        assertEquals(afterFirst, allocator.driverAllocations(), "cuMemAlloc calls after the second step");
        assertEquals(GPU, layer.weight().grad().device());
    }

    @Test
    void backendSumOfAGpuTensorStaysOnTheGpu() {
        assumeGpu();
        final Tensor x = Tensor.randn(g, 10, 20);
        final Tensor s = Backend.sum(x.to(GPU), 1);
        assertEquals(GPU, s.device());
        CudaParity.assertClose("row sums", Backend.sum(x, 1).toArray(), s.toArray(), 1e-6);
    }
}
