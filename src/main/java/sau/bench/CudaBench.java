package sau.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import sau.backend.cpu.SauVariant;
import sau.backend.cuda.CudaDevice;
import sau.backend.cuda.CudaGemm;
import sau.backend.cuda.CudaMemory;
import sau.backend.cuda.CudaSau;
import sau.models.Models;
import sau.nn.Module;
import sau.ops.Losses;
import sau.optim.SGD;
import sau.tensor.Arena;
import sau.tensor.Device;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * The benchmarks of {@code bin/sau bench --device cuda}: the same workloads as on the CPU, on
 * GPU 0. GPU work is queued and runs later, so every timed run ends by waiting for the GPU
 * ({@link CudaDevice#synchronize}); the medians are of whole, finished runs.
 */
public final class CudaBench {

    private static final Device GPU = Device.cuda(0);

    private CudaBench() {}

    private static Runnable synced(Runnable work) {
        final CudaDevice device = CudaDevice.get(0);
        return () -> {
            work.run();
            device.synchronize();
        };
    }

    /** The device, as a row: name, compute capability, memory, and the copy bandwidth measured here. */
    public static List<Map<String, Object>> device(List<String> args) {
        final CudaDevice d = CudaDevice.get(0);
        return List.of(Table.row("bench", "device_cuda", "impl", "sau", "name", d.name(), "compute_capability", d.computeCapability() / 10.0,
            "multiprocessors", d.multiprocessors(), "memory_gib", d.totalMemory() / (double) (1L << 30), "copy_gb_per_s", copyBandwidth()));
    }

    /**
     * GB/s of a device-to-device copy of 1 GiB ({@code cuMemcpyDtoD}), counting bytes read and
     * written: the ceiling of memory-bound kernels on this GPU.
     */
    static double copyBandwidth() {
        final int n = 1 << 28;
        final Tensor src = Tensor.zeros(n).to(GPU), dst = Tensor.zeros(n).to(GPU);
        final Measure.Timing t = Measure.time(synced(() -> CudaDevice.copy(src, dst)));
        return 8.0 * n / t.median() / 1e9;
    }

    /** Square products in fp32 and in TF32 on the tensor cores, TFLOP/s (--sizes 4096,8192). */
    public static List<Map<String, Object>> gemm(List<String> args) {
        final List<Map<String, Object>> rows = new ArrayList<>();
        final Generator g = new Generator(0);
        for (int size : GemmBench.sizes(args, 2048, 4096, 8192)) {
            final Tensor a = Tensor.randn(g, size, size).to(GPU), b = Tensor.randn(g, size, size).to(GPU), c = Tensor.zeros(size, size).to(GPU);
            for (boolean tf32 : new boolean[] {false, true}) {
                CudaGemm.allowTf32(tf32);
                try {
                    final Measure.Timing t = Measure.time(synced(() -> CudaGemm.gemm(false, false, size, size, size,
                        CudaMemory.of(a), size, CudaMemory.of(b), size, 0f, CudaMemory.of(c), size)));
                    rows.add(Table.row("bench", "gemm_cuda", "impl", "sau", "precision", tf32 ? "tf32" : "fp32", "size", size,
                        "ms", t.median() * 1e3, "spread_pct", t.spread() * 100, "tflops", 2.0 * size * size * size / t.median() / 1e12));
                } finally {
                    CudaGemm.allowTf32(false);
                }
            }
        }
        return rows;
    }

    /**
     * The SAU kernels, forward then backward (the paper's variant, one trainable α, n fixed), on
     * 256M floats, against memory: forward reads x and writes y, backward reads x and dL/dy and
     * writes dL/dx, 20 bytes per element (the per-block sums of ∂α are a few kilobytes).
     * {@code pct_of_copy} compares the GB/s with a device-to-device copy.
     */
    public static List<Map<String, Object>> sau(List<String> args) {
        final int count = 1 << 28;
        final Generator g = new Generator(1);
        final Tensor x = Tensor.randn(g, count).to(GPU), gradY = Tensor.randn(g, count).to(GPU);
        final double copy = copyBandwidth();
        final List<Map<String, Object>> rows = new ArrayList<>();
        for (float sharpness : new float[] {20000f, 1f}) {
            final Tensor alpha = Tensor.scalar(0.15f).to(GPU), n = Tensor.scalar(sharpness).to(GPU);
            final Measure.Timing t = Measure.time(synced(() -> {
                try (Arena arena = Arena.open()) {
                    CudaSau.forward(x, alpha, n, SauVariant.PAPER, 1, 1, count);
                    CudaSau.backward(x, gradY, alpha, n, SauVariant.PAPER, 1, 1, count, true, false);
                }
            }));
            final double gbs = 20.0 * count / t.median() / 1e9;
            rows.add(Table.row("bench", "sau_cuda", "impl", "sau", "n", (double) sharpness, "ms", t.median() * 1e3, "spread_pct", t.spread() * 100,
                "gb_per_s", gbs, "copy_gb_per_s", copy, "pct_of_copy", 100 * gbs / copy));
        }
        return rows;
    }

    /** Training steps of VGG-16-BN (CIFAR head, 10 classes), batch 128 of 3×32×32 (--batch N), fp32 and TF32. */
    public static List<Map<String, Object>> vgg16(List<String> args) {
        return model("train_vgg16_bn_cuda", "vgg", Map.of("depth", 16), 10, args);
    }

    /** Training steps of ShuffleNetV2 1.0× (CIFAR stem, 100 classes), batch 128 of 3×32×32. */
    public static List<Map<String, Object>> shufflenet(List<String> args) {
        return model("train_shufflenet_v2_x1_0_cuda", "shufflenet_v2", Map.of("width", 1.0), 100, args);
    }

    private static List<Map<String, Object>> model(String bench, String name, Map<String, Object> options, int classes, List<String> args) {
        final int batch = TrainStepBench.intOption(args, "--batch", 128);
        final Generator g = new Generator(0);
        final Module model = Models.create(name, "relu", options, new int[] {3, 32, 32}, classes, g).to(GPU);
        final Tensor input = Tensor.randn(g, batch, 3, 32, 32).to(GPU);
        final float[] labels = new float[batch];
        for (int i = 0; i < batch; i++) labels[i] = g.nextInt(classes);
        final Tensor targets = Tensor.of(labels).to(GPU);
        final SGD opt = new SGD(model.parameters(), 0.01, 0.9, 0, 0, false);
        final Runnable step = synced(() -> {
            try (Arena arena = Arena.open()) {
                opt.zeroGrad();
                Losses.crossEntropy(model.forward(input), targets).backward();
                opt.step();
            }
        });
        final List<Map<String, Object>> rows = new ArrayList<>();
        for (boolean tf32 : new boolean[] {false, true}) {
            CudaGemm.allowTf32(tf32);
            try {
                final Measure.Timing t = Measure.time(2.0, 5.0, 5, 200, step);
                rows.add(Table.row("bench", bench, "impl", "sau", "precision", tf32 ? "tf32" : "fp32", "batch", batch,
                    "ms", t.median() * 1e3, "spread_pct", t.spread() * 100, "images_per_s", batch / t.median()));
            } finally {
                CudaGemm.allowTf32(false);
            }
        }
        return rows;
    }
}
