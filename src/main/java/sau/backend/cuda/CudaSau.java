package sau.backend.cuda;

import sau.backend.cpu.SauVariant;
import sau.tensor.Arena;
import sau.tensor.Tensor;

/**
 * The SAU activation on the GPU ({@code sau.cu}), with the contracts of
 * {@link sau.backend.cpu.SauKernel}: a contiguous tensor seen as {@code [outer, channels, inner]},
 * α one number or one per channel, n one number. α and n stay on the GPU (the kernels read them
 * there), so a trained α or n costs no copy to the host. The gradients of α and n are reduced in
 * a fixed order, without atomics: the same inputs give the same bits on every run.
 *
 * <p>Unlike the CPU kernel, the GPU kernels cannot check that n is positive and finite without
 * a copy to the host, which would stall the GPU at every call; the SAU module keeps n positive.
 */
public final class CudaSau {

    /** Threads per block; {@code BLOCK} in sau.cu, whose block sums rely on it. */
    static final int BLOCK = 256;
    /** Elements per block in the segment layout; {@code CHUNK} in sau.cu. */
    static final int CHUNK = 8192;
    /** From this many elements per channel run on, a run is long enough to be split into chunks of its own. */
    static final int SEGMENT_MIN = 1024;
    /** About how many threads the column layout starts: enough to keep every SM of an H100 or H200 busy. */
    static final int COLUMN_THREADS = 1 << 18;

    private CudaSau() {}

    /** The gradients of {@link #backward}; {@code alpha} and {@code n} are null when not asked for. */
    public record Gradients(Tensor x, Tensor alpha, Tensor n) {}

    /** {@code y = G(x, α, n)} for a contiguous GPU tensor {@code x}; α and n are GPU tensors. */
    public static Tensor forward(Tensor x, Tensor alpha, Tensor n, SauVariant v, int outer, int channels, int inner) {
        CudaDevice.of(x);
        final Tensor y = Arena.empty(x.device(), x.shape());
        if (x.numel() == 0) return y;
        final Layout l = Layout.of(outer, channels, inner);
        Kernels.function("sau", "sau_forward" + l.suffix()).launch(l.blocks(), 1, 1, BLOCK, 1, 1, 0,
            CudaMemory.of(x), CudaMemory.of(y), CudaMemory.of(alpha.contiguousData()), CudaMemory.of(n.contiguousData()), v.ordinal(), l.struct());
        return y;
    }

    /**
     * {@code gradX = gradY·∂G/∂x}, and, when asked for, {@code ∂L/∂α = Σ gradY·∂G/∂α} (per layer
     * or per channel, shaped like alpha) and {@code ∂L/∂n = Σ gradY·∂G/∂n} (shaped like n).
     * x and gradY are contiguous GPU tensors of the same shape.
     */
    public static Gradients backward(Tensor x, Tensor gradY, Tensor alpha, Tensor n, SauVariant v, int outer, int channels, int inner,
                                     boolean wantAlpha, boolean wantN) {
        CudaDevice.of(x);
        final Tensor gx = Arena.empty(x.device(), x.shape());
        if (x.numel() == 0) {
            return new Gradients(gx, wantAlpha ? Arena.zeros(x.device(), alpha.shape()) : null, wantN ? Arena.zeros(x.device(), n.shape()) : null);
        }
        final Layout l = Layout.of(outer, channels, inner);
        final Tensor partialAlpha = Arena.empty(x.device(), l.alphaPartials());
        final Tensor partialN = Arena.empty(x.device(), l.blocks());
        final Tensor a = alpha.contiguousData();
        final Tensor nv = n.contiguousData();
        Kernels.function("sau", "sau_backward" + l.suffix()).launch(l.blocks(), 1, 1, BLOCK, 1, 1, 0,
            CudaMemory.of(x), CudaMemory.of(gradY), CudaMemory.of(gx), CudaMemory.of(a), CudaMemory.of(nv), v.ordinal(),
            CudaMemory.of(partialAlpha), CudaMemory.of(partialN), l.struct());
        // the kernel sums 2·∂G/∂α (SauKernel's convention): the factor 1/2 comes once, here
        final Tensor ga = wantAlpha ? l.channelSums(partialAlpha, alpha.shape(), 0.5f) : null;
        Tensor gn = null;
        if (wantN) {
            gn = Arena.empty(x.device(), n.shape());
            Kernels.function("sau", "sau_sum_n").launch(1, 1, 1, BLOCK, 1, 1, 0,
                CudaMemory.of(partialN), CudaMemory.of(gn), l.blocks(), CudaMemory.of(nv), v.ordinal());
        }
        return new Gradients(gx, ga, gn);
    }

    /**
     * How the kernels of sau.cu split a contiguous {@code [outer, channels, inner]} tensor (see
     * the comment at the top of sau.cu): its fields after {@code segments} are the kernels'
     * {@code ChannelLayout}. Shared with PReLU ({@link CudaActivation#prelu}).
     *
     * <p>Segments: one α for all, or runs of at least {@value #SEGMENT_MIN} elements per channel;
     * {@code chunks} blocks per run. Columns: {@code outer} rows of {@code channels·inner} columns,
     * one thread per column over {@code rowsPer} rows, so that about {@value #COLUMN_THREADS}
     * threads run; {@code colBlocks} blocks per row chunk.
     */
    record Layout(int outer, int channels, int inner, boolean segments, int chunks, int rowsPer, int rowChunks, int colBlocks) {

        static Layout of(int outer, int channels, int inner) {
            final long total = (long) outer * channels * inner;
            if (outer < 1 || channels < 1 || inner < 1 || total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("bad shape (" + outer + ", " + channels + ", " + inner + ")");
            }
            if (channels == 1 || inner >= SEGMENT_MIN) {
                return new Layout(outer, channels, inner, true, ceilDiv(inner, CHUNK), 0, 0, 0);
            }
            final int rowsPer = (int) Math.min(outer, Math.max(1, ceilDiv(total, COLUMN_THREADS)));
            return new Layout(outer, channels, inner, false, 0, rowsPer, ceilDiv(outer, rowsPer), ceilDiv(channels * inner, BLOCK));
        }

        /** The kernels' name suffix. */
        String suffix() {
            return segments ? "_segments" : "_columns";
        }

        /** The blocks of a forward or backward launch; also the number of n partial sums. */
        int blocks() {
            return segments ? outer * channels * chunks : rowChunks * colBlocks;
        }

        /** How the α partial sums are laid out, [groups][channels][per]. */
        int groups() {
            return segments ? outer : rowChunks;
        }

        int per() {
            return segments ? chunks : inner;
        }

        int alphaPartials() {
            return groups() * channels * per();
        }

        /** The kernels' {@code ChannelLayout}, passed by value. */
        int[] struct() {
            return new int[] {outer, channels, inner, chunks, rowsPer, colBlocks};
        }

        /** {@code scale·Σ} of each channel's partial sums, in a fixed order, as a new tensor of {@code shape}. */
        Tensor channelSums(Tensor partial, int[] shape, float scale) {
            final Tensor out = Arena.empty(partial.device(), shape);
            Kernels.function("sau", "channel_sums").launch(channels, 1, 1, BLOCK, 1, 1, 0,
                CudaMemory.of(partial), CudaMemory.of(out), channels, groups(), per(), scale);
            return out;
        }

        private static int ceilDiv(long a, int b) {
            return (int) ((a + b - 1) / b);
        }
    }
}
