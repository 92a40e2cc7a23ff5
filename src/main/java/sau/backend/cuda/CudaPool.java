package sau.backend.cuda;

import sau.backend.cpu.Pool2dKernel;
import sau.backend.cpu.Pool2dKernel.Window;
import sau.backend.cpu.UpsampleKernel;
import sau.tensor.Device;
import sau.tensor.Tensor;

/**
 * Pooling and upsampling on the GPU ({@code pool.cu}), with the rules of {@link Pool2dKernel} and
 * {@link UpsampleKernel}, over the planes of contiguous {@code [planes, H, W]} tensors; outputs
 * and gradients are overwritten.
 *
 * <p>Forward passes are one thread per output. Backward passes are gathers, one thread per input
 * element summing the gradients of the outputs that read it, in the order in which the CPU
 * kernels scatter them: no atomics, and the same result on every run.
 */
public final class CudaPool {

    private CudaPool() {}

    /** Max pooling; {@code argmax} (as many floats as y) receives each winner's flat index in its plane, as int bits. */
    public static void maxForward(Tensor x, Tensor y, Tensor argmax, int planes, int inH, int inW, Window wh, Window ww, int outH, int outW) {
        CudaDevice.of(x);
        launch("max_pool_forward_f32", (long) planes * outH * outW, CudaMemory.of(x), CudaMemory.of(y), CudaMemory.of(argmax),
            geometry(planes, inH, inW, outH, outW, wh, ww));
    }

    /** {@code gx[i] = Σ g[o]} over the outputs o whose winner i was. */
    public static void maxBackward(Tensor g, Tensor argmax, Tensor gx, int planes, int inH, int inW, Window wh, Window ww, int outH, int outW) {
        CudaDevice.of(g);
        launch("max_pool_backward_f32", (long) planes * inH * inW, CudaMemory.of(g), CudaMemory.of(argmax), CudaMemory.of(gx),
            geometry(planes, inH, inW, outH, outW, wh, ww));
    }

    public static void avgForward(Tensor x, Tensor y, int planes, int inH, int inW, Window wh, Window ww, int outH, int outW, boolean countIncludePad) {
        CudaDevice.of(x);
        launch("avg_pool_forward_f32", (long) planes * outH * outW, CudaMemory.of(x), CudaMemory.of(y),
            geometry(planes, inH, inW, outH, outW, wh, ww), countIncludePad ? 1 : 0);
    }

    /** {@code gx[i] = Σ g[o] / divisor(o)} over the windows o that hold i. */
    public static void avgBackward(Tensor g, Tensor gx, int planes, int inH, int inW, Window wh, Window ww, int outH, int outW, boolean countIncludePad) {
        CudaDevice.of(g);
        launch("avg_pool_backward_f32", (long) planes * inH * inW, CudaMemory.of(g), CudaMemory.of(gx),
            geometry(planes, inH, inW, outH, outW, wh, ww), countIncludePad ? 1 : 0);
    }

    public static void adaptiveAvgForward(Tensor x, Tensor y, int planes, int inH, int inW, int outH, int outW) {
        CudaDevice.of(x);
        launch("adaptive_avg_forward_f32", (long) planes * outH * outW, CudaMemory.of(x), CudaMemory.of(y), planes, inH, inW, outH, outW);
    }

    /** {@code gx[i] = Σ g[b] / |b|} over the bins b that hold i. */
    public static void adaptiveAvgBackward(Tensor g, Tensor gx, int planes, int inH, int inW, int outH, int outW) {
        CudaDevice.of(g);
        launch("adaptive_avg_backward_f32", (long) planes * inH * inW, CudaMemory.of(g), CudaMemory.of(gx), planes, inH, inW, outH, outW);
    }

    /** The kernels' PoolGeo struct. */
    private static int[] geometry(int planes, int inH, int inW, int outH, int outW, Window wh, Window ww) {
        return new int[] {planes, inH, inW, outH, outW, wh.kernel(), ww.kernel(), wh.stride(), ww.stride(), wh.padding(), ww.padding(),
            wh.dilation(), ww.dilation()};
    }

    // ---- upsampling ---------------------------------------------------------------------------

    /** Nearest-neighbour resizing from {@code inH × inW} to {@code outH × outW}, ratios as {@link UpsampleKernel}'s. */
    public static Resampling nearest(Device device, int inH, int inW, int outH, int outW, double ratioH, double ratioW) {
        return new Resampling("nearest", nearestTable(device, inH, outH, ratioH), nearestTable(device, inW, outW, ratioW), inH, inW, outH, outW);
    }

    /** Bilinear resizing from {@code inH × inW} to {@code outH × outW}, ratios as {@link UpsampleKernel}'s. */
    public static Resampling bilinear(Device device, int inH, int inW, int outH, int outW, boolean alignCorners, double ratioH, double ratioW) {
        return new Resampling("bilinear", bilinearTable(device, inH, outH, alignCorners, ratioH), bilinearTable(device, inW, outW, alignCorners, ratioW),
            inH, inW, outH, outW);
    }

    /**
     * One resizing, with its coordinate tables on the GPU (one per dimension, laid out as pool.cu
     * describes): computed on the CPU by {@link UpsampleKernel}'s functions, so that both devices
     * round the coordinates alike, and uploaded once for the forward and backward passes.
     */
    public record Resampling(String mode, Tensor tableH, Tensor tableW, int inH, int inW, int outH, int outW) {

        /** y {@code [planes, outH, outW]} from x {@code [planes, inH, inW]}. */
        public void forward(Tensor x, Tensor y, int planes) {
            CudaDevice.of(x);
            launch(mode + "_forward_f32", (long) planes * outH * outW, CudaMemory.of(x), CudaMemory.of(y), CudaMemory.of(tableH), CudaMemory.of(tableW),
                planes, inH, inW, outH, outW);
        }

        /** {@code gx[i] = Σ_o w_{o,i}·g[o]}: each input's gradient gathered from the outputs that read it. */
        public void backward(Tensor g, Tensor gx, int planes) {
            CudaDevice.of(g);
            launch(mode + "_backward_f32", (long) planes * inH * inW, CudaMemory.of(g), CudaMemory.of(gx), CudaMemory.of(tableH), CudaMemory.of(tableW),
                planes, inH, inW, outH, outW);
        }
    }

    /** source[out], then first[in] and last[in]: the range of outputs that copy each input. */
    private static Tensor nearestTable(Device device, int in, int out, double ratio) {
        final float[] t = new float[out + 2 * in];
        final int[] source = new int[out];
        for (int o = 0; o < out; o++) {
            source[o] = UpsampleKernel.nearestIndex(o, in, out, ratio);
            t[o] = source[o];
        }
        ranges(t, out, in, out, source);
        return new Tensor(t, t.length).to(device);
    }

    /** i0[out], i1[out], w0[out], w1[out] (as UpsampleKernel's Taps), then first[in] and last[in]. */
    private static Tensor bilinearTable(Device device, int in, int out, boolean alignCorners, double ratio) {
        final float[] t = new float[4 * out + 2 * in];
        final int[] i0 = new int[out], i1 = new int[out];
        final float r = (float) UpsampleKernel.bilinearRatio(in, out, alignCorners, ratio);
        for (int o = 0; o < out; o++) {
            final float src = UpsampleKernel.sourceCoordinate(o, r, alignCorners);
            i0[o] = Math.min((int) src, in - 1);
            i1[o] = Math.min(i0[o] + 1, in - 1);
            final float w1 = Math.min(Math.max(src - i0[o], 0f), 1f);
            t[o] = i0[o];
            t[out + o] = i1[o];
            t[2 * out + o] = 1 - w1;
            t[3 * out + o] = w1;
        }
        ranges(t, 4 * out, in, out, i0, i1);
        return new Tensor(t, t.length).to(device);
    }

    /**
     * Writes {@code first[i]} at {@code t[at + i]} and {@code last[i]} at {@code t[at + in + i]}:
     * the smallest and largest output o with {@code sources[s][o] == i} for some s; {@code first > last}
     * when no output reads i.
     */
    private static void ranges(float[] t, int at, int in, int out, int[]... sources) {
        for (int i = 0; i < in; i++) {
            t[at + i] = out;
            t[at + in + i] = -1;
        }
        for (int[] source : sources) {
            for (int o = 0; o < out; o++) {
                final int i = source[o];
                t[at + i] = Math.min(t[at + i], o);
                t[at + in + i] = Math.max(t[at + in + i], o);
            }
        }
    }

    private static void launch(String kernel, long threads, Object... args) {
        Kernels.function("pool", kernel).launch(CudaElementwise.blocks(threads), 1, 1, CudaElementwise.BLOCK, 1, 1, 0, args);
    }
}
