package sau.nn;

import sau.ops.Pooling;
import sau.tensor.Tensor;

/**
 * Average pooling to a fixed output size whatever the input's: the input is cut into
 * {@code outH × outW} bins (overlapping by a pixel when the sizes do not divide). With output
 * 1×1 it is global average pooling, which lets a classifier head accept any image size.
 */
public final class AdaptiveAvgPool2d extends Module {

    private final int outH, outW;
    private final boolean square;

    public AdaptiveAvgPool2d(int outH, int outW) {
        this(outH, outW, false);
    }

    /** A square {@code size × size} output. */
    public AdaptiveAvgPool2d(int size) {
        this(size, size, true);
    }

    private AdaptiveAvgPool2d(int outH, int outW, boolean square) {
        if (outH < 1 || outW < 1) throw new IllegalArgumentException("adaptive pooling needs a positive output size, got " + outH + "x" + outW);
        this.outH = outH;
        this.outW = outW;
        this.square = square;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.adaptiveAvgPool2d(x, outH, outW);
    }

    @Override
    protected String extraRepr() {
        // as PyTorch, which prints the size the way it was given: 7 or (7, 7)
        return "output_size=" + (square ? String.valueOf(outH) : "(" + outH + ", " + outW + ")");
    }
}
