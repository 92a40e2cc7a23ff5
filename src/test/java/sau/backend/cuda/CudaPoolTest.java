package sau.backend.cuda;

import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import sau.backend.cpu.Pool2dKernel.Window;
import sau.ops.Pooling;
import sau.ops.Upsampling;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * Max, average and adaptive average pooling and nearest and bilinear upsampling on the GPU
 * against the CPU, outputs and input gradients, over the windows and modes the CPU supports.
 */
@Tag("cuda")
class CudaPoolTest {

    private static final double TOL = 1e-5;
    private final Generator gen = new Generator(5);

    private void check(String name, Tensor x, Function<Tensor, Tensor> op) {
        CudaParity.check(name, TOL, t -> op.apply(t[0]), new Tensor[] {x});
    }

    private Tensor randn(int... shape) {
        return CudaParity.randn(gen, shape);
    }

    @Test
    void maxPool() {
        final Tensor x = randn(2, 3, 8, 6);
        check("max 2x2 stride 2", x, t -> Pooling.maxPool2d(t, 2, 2, 0, 1, false));
        check("max 2x2 stride 2 on odd sizes", randn(2, 3, 7, 5), t -> Pooling.maxPool2d(t, 2, 2, 0, 1, false));
        check("max 3x3 stride 2 pad 1", randn(2, 3, 9, 7), t -> Pooling.maxPool2d(t, 3, 2, 1, 1, false));
        check("max 3x3 stride 2 ceil mode", randn(1, 2, 8, 10), t -> Pooling.maxPool2d(t, 3, 2, 0, 1, true));
        check("max 3x3 stride 2 pad 1 ceil mode", randn(2, 2, 10, 7), t -> Pooling.maxPool2d(t, 3, 2, 1, 1, true));
        check("max 3x3 stride 1 pad 1 dilation 2", randn(1, 3, 9, 8), t -> Pooling.maxPool2d(t, 3, 1, 1, 2, false));
        check("max 3x2 window, strides 2x1", x, t -> Pooling.maxPool2d(t, new Window(3, 2, 1, 1), new Window(2, 1, 0, 1), false));
        check("max of [C, H, W]", randn(3, 6, 6), t -> Pooling.maxPool2d(t, 2, 2, 0, 1, false));
    }

    @Test
    void maxPoolTiesGoToTheFirstLargest() {
        // Values rounded to integers tie often; the gradient shows which tap won each window.
        final float[] v = randn(2, 2, 7, 7).toArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.round(v[i]);
        final Tensor x = Tensor.of(v, 2, 2, 7, 7);
        check("max ties, 3x3 stride 2 pad 1", x, t -> Pooling.maxPool2d(t, 3, 2, 1, 1, false));
        check("max ties, 2x2 stride 1", x, t -> Pooling.maxPool2d(t, 2, 1, 0, 1, false));
    }

    @Test
    void avgPool() {
        final Tensor x = randn(2, 3, 9, 7);
        check("avg 2x2 stride 2", randn(2, 3, 8, 6), t -> Pooling.avgPool2d(t, 2, 2, 0, false, true));
        for (boolean countPad : new boolean[] {true, false}) {
            check("avg 3x3 stride 2 pad 1, count_include_pad " + countPad, x, t -> Pooling.avgPool2d(t, 3, 2, 1, false, countPad));
            check("avg 3x3 stride 2 pad 1 ceil mode, count_include_pad " + countPad, x, t -> Pooling.avgPool2d(t, 3, 2, 1, true, countPad));
            check("avg 3x3 stride 1 pad 1, count_include_pad " + countPad, x, t -> Pooling.avgPool2d(t, 3, 1, 1, false, countPad));
        }
        check("avg 2x3 window ceil mode", x, t -> Pooling.avgPool2d(t, new Window(2, 2, 1, 1), new Window(3, 2, 0, 1), true, true));
    }

    @Test
    void adaptiveAvgPool() {
        check("adaptive 7x5 to 3x2 (overlapping bins)", randn(2, 3, 7, 5), t -> Pooling.adaptiveAvgPool2d(t, 3, 2));
        check("adaptive to 1x1 (global)", randn(2, 4, 5, 6), t -> Pooling.adaptiveAvgPool2d(t, 1, 1));
        check("adaptive 3x4 to 7x5 (more bins than inputs)", randn(1, 2, 3, 4), t -> Pooling.adaptiveAvgPool2d(t, 7, 5));
        check("adaptive 8x8 to 4x4", randn(3, 8, 8), t -> Pooling.adaptiveAvgPool2d(t, 4, 4));
    }

    @Test
    void nearestUpsampling() {
        final Tensor x = randn(2, 3, 4, 5);
        check("nearest x2 by size", x, t -> Upsampling.upsampleNearest2d(t, 8, 10));
        check("nearest to 7x13", x, t -> Upsampling.upsampleNearest2d(t, 7, 13));
        check("nearest down to 3x2", x, t -> Upsampling.upsampleNearest2d(t, 3, 2));
        check("nearest by scale 1.5x2.5", x, t -> Upsampling.upsampleNearest2d(t, 1.5, 2.5));
    }

    @Test
    void bilinearUpsampling() {
        final Tensor x = randn(2, 3, 4, 5);
        for (boolean align : new boolean[] {false, true}) {
            check("bilinear x2, align_corners " + align, x, t -> Upsampling.upsampleBilinear2d(t, 8, 10, align));
            check("bilinear to 7x13, align_corners " + align, x, t -> Upsampling.upsampleBilinear2d(t, 7, 13, align));
            check("bilinear down to 3x2, align_corners " + align, x, t -> Upsampling.upsampleBilinear2d(t, 3, 2, align));
            check("bilinear to 1x1, align_corners " + align, x, t -> Upsampling.upsampleBilinear2d(t, 1, 1, align));
            check("bilinear by scale 1.5x2.5, align_corners " + align, x, t -> Upsampling.upsampleBilinear2d(t, 1.5, 2.5, align));
        }
    }
}
