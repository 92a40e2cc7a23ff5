package sau.nn;

import sau.ops.Upsampling;
import sau.tensor.Tensor;

/**
 * Resizes the feature maps of {@code [N, C, H, W]} to a fixed size or by a scale factor, by
 * nearest neighbour (copies pixels) or bilinear interpolation. {@code alignCorners} only means
 * something for bilinear: whether the corner pixels of input and output line up
 * ({@code True}) or their pixel squares do ({@code False}, PyTorch's default). Build one with
 * {@link #scale} or {@link #size}.
 */
public final class Upsample extends Module {

    public enum Mode { NEAREST, BILINEAR }

    private final int outH, outW;        // when built with a size
    private final float scaleH, scaleW;  // when built with a scale factor
    private final boolean bySize;
    private final Mode mode;
    private final boolean alignCorners;

    private Upsample(int outH, int outW, float scaleH, float scaleW, boolean bySize, Mode mode, boolean alignCorners) {
        if (mode == Mode.NEAREST && alignCorners) throw new IllegalArgumentException("alignCorners applies to bilinear upsampling only");
        this.outH = outH;
        this.outW = outW;
        this.scaleH = scaleH;
        this.scaleW = scaleW;
        this.bySize = bySize;
        this.mode = mode;
        this.alignCorners = alignCorners;
    }

    /** The output is {@code ⌊H·scale⌋ × ⌊W·scale⌋}. */
    public static Upsample scale(float scale, Mode mode, boolean alignCorners) {
        if (!(scale > 0)) throw new IllegalArgumentException("upsampling needs a positive scale factor, got " + scale);
        return new Upsample(0, 0, scale, scale, false, mode, alignCorners);
    }

    /** The output is {@code outH × outW}. */
    public static Upsample size(int outH, int outW, Mode mode, boolean alignCorners) {
        if (outH < 1 || outW < 1) throw new IllegalArgumentException("upsampling to an empty size " + outH + "x" + outW);
        return new Upsample(outH, outW, 0, 0, true, mode, alignCorners);
    }

    @Override
    public Tensor forward(Tensor x) {
        return switch (mode) {
            case NEAREST -> bySize ? Upsampling.upsampleNearest2d(x, outH, outW) : Upsampling.upsampleNearest2d(x, scaleH, scaleW);
            case BILINEAR -> bySize ? Upsampling.upsampleBilinear2d(x, outH, outW, alignCorners) : Upsampling.upsampleBilinear2d(x, scaleH, scaleW, alignCorners);
        };
    }

    @Override
    protected String extraRepr() {
        final String target = bySize ? "size=(" + outH + ", " + outW + ")" : "scale_factor=" + PythonRepr.of(scaleH);
        return target + ", mode='" + mode.name().toLowerCase() + "'";
    }
}
