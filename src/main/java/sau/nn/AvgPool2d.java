package sau.nn;

import sau.backend.cpu.Pool2dKernel.Window;
import sau.ops.Pooling;
import sau.tensor.Tensor;

/**
 * Average pooling over square windows of an input {@code [N, C, H, W]}. Near the border a
 * window that overlaps the zero padding is divided by its full size with
 * {@code countIncludePad} (PyTorch's default) and by the number of real pixels without it.
 */
public final class AvgPool2d extends Module {

    private final int kernel, stride, padding;
    private final boolean ceilMode, countIncludePad;

    public AvgPool2d(int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        new Window(kernel, stride, padding, 1); // validates now rather than at the first forward
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
    }

    public AvgPool2d(int kernel, int stride, int padding) {
        this(kernel, stride, padding, false, true);
    }

    public AvgPool2d(int kernel, int stride) {
        this(kernel, stride, 0);
    }

    /** Non-overlapping windows: the stride is the kernel size. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.avgPool2d(x, kernel, stride, padding, ceilMode, countIncludePad);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding;
    }
}
