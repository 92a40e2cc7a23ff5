package sau.nn;

import sau.backend.cpu.Pool2dKernel.Window;
import sau.ops.Pooling;
import sau.tensor.Tensor;

/**
 * Max pooling over square windows of an input {@code [N, C, H, W]}: each output is the largest
 * value of its {@code kernel × kernel} window (taps {@code dilation} apart, windows
 * {@code stride} apart, {@code padding} that never wins on each side). In ceil mode a partial
 * window at the end still produces an output, as long as it starts inside the input or its
 * left padding. It keeps the strongest response of a feature in a neighbourhood and shrinks
 * the map, which makes the network's later layers cheaper and less sensitive to small shifts.
 */
public final class MaxPool2d extends Module {

    private final int kernel, stride, padding, dilation;
    private final boolean ceilMode;

    public MaxPool2d(int kernel, int stride, int padding, int dilation, boolean ceilMode) {
        new Window(kernel, stride, padding, dilation); // validates now rather than at the first forward
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.ceilMode = ceilMode;
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        this(kernel, stride, padding, 1, false);
    }

    public MaxPool2d(int kernel, int stride) {
        this(kernel, stride, 0);
    }

    /** Non-overlapping windows: the stride is the kernel size. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.maxPool2d(x, kernel, stride, padding, dilation, ceilMode);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation + ", ceil_mode=" + PythonRepr.of(ceilMode);
    }
}
