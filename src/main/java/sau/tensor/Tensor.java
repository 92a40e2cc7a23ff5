package sau.tensor;

import java.util.Arrays;
import sau.autograd.Backward;
import sau.autograd.Node;
import sau.backend.Devices;

/**
 * An n-dimensional array of float32 numbers that remembers how it was made.
 *
 * <p>The numbers live in {@code data}; a tensor reads them through its {@code shape},
 * {@code strides} and {@code offset}: element {@code (i0, i1, ...)} is
 * {@code data[offset + i0*strides[0] + i1*strides[1] + ...]}. Several tensors can share one
 * array: a transpose, a slice or a broadcast is just another set of strides over the same data
 * (a "view"), which is why those operations cost nothing.
 *
 * <p>For automatic differentiation a tensor carries {@code requiresGrad}, the gradient
 * {@code grad} that {@link #backward()} accumulates into, and {@code gradFn}: the graph node of
 * the operation that produced it. The arithmetic itself is in {@code sau.ops}.
 *
 * <p>A tensor lives on one {@link Device}. On the CPU its numbers are the Java array
 * {@code data}; on a GPU they are {@link DeviceMemory} of the CUDA backend, and {@code data()}
 * refuses, since reading them means a copy: {@link #to} makes that copy, and {@link #toArray},
 * {@link #item} and {@link #get} make it for you.
 */
public final class Tensor {

    // Storage and layout change only in moveTo (a module's parameters moving to a GPU).
    private float[] data;          // the numbers of a CPU tensor; null on a GPU
    private DeviceMemory memory;   // the numbers of a GPU tensor; null on the CPU
    private final int[] shape;
    private int[] strides;
    private int offset;

    private boolean requiresGrad;
    private Tensor grad;
    private Tensor spareGrad; // the gradient zeroGrad dropped, for the next backward to write into
    private Node gradFn;
    private int outputIndex; // which output of gradFn this is (ops with several outputs)

    /** A view over {@code data}; most code wants one of the factory methods instead. */
    public Tensor(float[] data, int[] shape, int[] strides, int offset) {
        this(data, null, shape, strides, offset);
    }

    /** A view over GPU memory. */
    public Tensor(DeviceMemory memory, int[] shape, int[] strides, int offset) {
        this(null, memory, shape, strides, offset);
    }

    /** A contiguous tensor over GPU memory. */
    public Tensor(DeviceMemory memory, int... shape) {
        this(null, memory, shape, Shape.contiguousStrides(shape), 0);
    }

    private Tensor(float[] data, DeviceMemory memory, int[] shape, int[] strides, int offset) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " and strides " + Shape.str(strides) + " differ in rank");
        }
        this.data = data;
        this.memory = memory;
        this.shape = shape.clone();
        this.strides = strides.clone();
        this.offset = offset;
    }

    /** Another view of this tensor's storage (on whichever device), cut off from the graph. */
    public Tensor view(int[] shape, int[] strides, int offset) {
        return new Tensor(data, memory, shape, strides, offset);
    }

    // ---- devices --------------------------------------------------------------------------

    public Device device() {
        return memory == null ? Device.CPU : memory.device();
    }

    public boolean isCuda() {
        return memory != null;
    }

    /** The GPU memory of a tensor on a GPU; kernels read it with the strides and offset. */
    public DeviceMemory memory() {
        if (memory == null) throw new IllegalStateException("tensor of shape " + Shape.str(shape) + " is on the cpu, not on a GPU");
        return memory;
    }

    /**
     * This tensor on {@code device}: itself when it is there already, else a contiguous copy,
     * detached from the graph, as {@code torch.Tensor.to} without autograd (use {@code Views.to}
     * for a move that gradients flow through).
     */
    public Tensor to(Device device) {
        if (device.equals(device())) return this;
        if (!device.isCuda()) return new Tensor(toArray(), shape);
        final DeviceMemory m = Devices.allocate(device, numel());
        writeInto(m, 0);
        return new Tensor(m, shape);
    }

    /** Writes this tensor's elements, in row-major order, into GPU memory from element {@code at}. */
    void writeInto(DeviceMemory m, int at) {
        final Tensor src = contiguousData();
        if (src.isCuda()) Devices.copy(src, m, at);
        else m.upload(src.isDense() ? src.data : src.toArray(), at);
    }

    /** A contiguous tensor that owns {@code data} (not copied). */
    public Tensor(float[] data, int... shape) {
        this(data, shape, Shape.contiguousStrides(shape), 0);
        if (data.length != Shape.numel(shape)) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " needs " + Shape.numel(shape) + " values, got " + data.length);
        }
    }

    // ---- creation -------------------------------------------------------------------------

    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Shape.numel(shape)], shape);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        final float[] d = new float[Shape.numel(shape)];
        Arrays.fill(d, value);
        return new Tensor(d, shape);
    }

    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value});
    }

    /** {@code start, start+step, ...} below {@code end}, as {@code torch.arange}. */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0 || (end - start) / step < 0) {
            throw new IllegalArgumentException("arange(" + start + ", " + end + ", " + step + ") is empty or endless");
        }
        final int n = (int) Math.ceil((end - start) / step);
        final float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = start + i * step;
        return new Tensor(d, n);
    }

    public static Tensor arange(int end) {
        return arange(0, end, 1);
    }

    /** Uniform in [0, 1). */
    public static Tensor rand(Generator g, int... shape) {
        final float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = g.nextFloat();
        return new Tensor(d, shape);
    }

    /** Standard normal. */
    public static Tensor randn(Generator g, int... shape) {
        final float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) g.nextGaussian();
        return new Tensor(d, shape);
    }

    /** A copy of a Java array, with the given shape. */
    public static Tensor of(float[] values, int... shape) {
        return new Tensor(values.clone(), shape);
    }

    /** A 1-D copy of a Java array. */
    public static Tensor of(float... values) {
        return new Tensor(values.clone(), values.length);
    }

    public static Tensor of(float[][] rows) {
        final int cols = rows.length == 0 ? 0 : rows[0].length;
        final float[] d = new float[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " values, row 0 has " + cols);
            System.arraycopy(rows[r], 0, d, r * cols, cols);
        }
        return new Tensor(d, rows.length, cols);
    }

    /**
     * Moves this tensor's numbers to {@code device} in place, and its gradient with them, as
     * {@code Module.to} does with parameters and buffers (PyTorch's {@code param.data = ...}):
     * the tensor stays the same object, so modules and optimizers that hold it see it on the new
     * device. Views made before the move keep the old numbers.
     */
    public void moveTo(Device device) {
        if (!device.equals(device())) {
            final Tensor moved = to(device);
            data = moved.data;
            memory = moved.memory;
            strides = moved.strides;
            offset = 0;
        }
        if (grad != null) grad = grad.to(device);
    }

    // ---- shape and storage ----------------------------------------------------------------

    public int[] shape() {
        return shape.clone();
    }

    public int size(int dim) {
        return shape[Shape.dim(dim, shape.length)];
    }

    public int dim() {
        return shape.length;
    }

    public int numel() {
        return Shape.numel(shape);
    }

    public int[] strides() {
        return strides.clone();
    }

    public int stride(int dim) {
        return strides[Shape.dim(dim, shape.length)];
    }

    public int offset() {
        return offset;
    }

    /** The backing array, shared with every view of it. Kernels read it with the strides. */
    public float[] data() {
        if (data == null) {
            throw new IllegalStateException("tensor of shape " + Shape.str(shape) + " is on " + device()
                + " and this code reads its numbers on the CPU: move it there first with .to(Device.CPU)");
        }
        return data;
    }

    /** True when the elements are laid out row-major without gaps, so {@code data} can be read flat. */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** True when {@code data} is exactly this tensor's elements in order, from index 0. */
    public boolean isDense() {
        return offset == 0 && isContiguous() && (data != null ? data.length : memory.length()) == numel();
    }

    // ---- element access (for tests, printing and small bookkeeping; not for kernels) --------

    public float item() {
        if (numel() != 1) throw new IllegalStateException("item() needs a tensor of one element, this one has shape " + Shape.str(shape));
        return read(offset);
    }

    public float get(int... index) {
        return read(flatIndex(index));
    }

    public void set(float value, int... index) {
        data()[flatIndex(index)] = value;
    }

    private float read(int at) {
        if (data != null) return data[at];
        final float[] one = new float[1];
        memory.download(at, one, 0, 1);
        return one[0];
    }

    private int flatIndex(int[] index) {
        if (index.length != shape.length) throw new IllegalArgumentException("index of rank " + index.length + " for a tensor of shape " + Shape.str(shape));
        int p = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " is out of bounds for shape " + Shape.str(shape));
            p += index[i] * strides[i];
        }
        return p;
    }

    /** The elements in row-major order, as a new array. */
    public float[] toArray() {
        final float[] out = new float[numel()];
        copyTo(out, 0);
        return out;
    }

    /**
     * Writes the elements in row-major order into {@code dst} from {@code dstOff}. Trailing
     * dimensions that are laid out as one run in memory are copied as one run, with
     * {@code System.arraycopy} when that run has stride 1: a transposed view whose last
     * dimensions are still contiguous (a channel shuffle, a head split) copies at memory speed.
     */
    public void copyTo(float[] dst, int dstOff) {
        final int n = numel();
        if (n == 0) return;
        if (memory != null) {
            final Tensor packed = contiguousData();
            packed.memory.download(packed.offset, dst, dstOff, n);
            return;
        }
        if (isContiguous()) {
            System.arraycopy(data, offset, dst, dstOff, n);
            return;
        }
        final int rank = shape.length;
        int first = rank - 1; // the run is dimensions first .. rank-1
        int run = shape[rank - 1];
        final int runStride = strides[rank - 1];
        while (first > 0 && (shape[first - 1] == 1 || strides[first - 1] == (long) runStride * run)) {
            run *= shape[first - 1];
            first--;
        }
        final int[] idx = new int[first];
        int src = offset;
        for (int done = 0; done < n; done += run) {
            if (runStride == 1) System.arraycopy(data, src, dst, dstOff, run);
            else for (int j = 0, s = src; j < run; j++, s += runStride) dst[dstOff + j] = data[s];
            dstOff += run;
            for (int d = first - 1; d >= 0; d--) { // odometer over the dimensions before the run
                src += strides[d];
                if (++idx[d] < shape[d]) break;
                src -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
    }

    /**
     * This tensor if it is contiguous, else a contiguous copy (with no autograd history) whose
     * storage comes from the open {@link Arena}, if any: the ops use it for their operands.
     */
    public Tensor contiguousData() {
        if (isContiguous()) return this;
        if (memory != null) return Devices.contiguous(this);
        final float[] copy = Arena.uninitialized(numel());
        copyTo(copy, 0);
        return new Tensor(copy, shape);
    }

    /** Copies {@code src} (same shape) into this tensor's elements; used by optimizers and loaders. */
    public void copyFrom(Tensor src) {
        if (!Arrays.equals(shape, src.shape)) throw new IllegalArgumentException("copyFrom: shape " + Shape.str(src.shape) + " into " + Shape.str(shape));
        if (!isContiguous()) throw new IllegalStateException("copyFrom needs a contiguous destination");
        if (memory == null) {
            src.copyTo(data, offset);
        } else {
            src.writeInto(memory, offset);
        }
    }

    // ---- autograd state -------------------------------------------------------------------

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor as one whose gradient {@link #backward()} should compute. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value) throw new IllegalStateException("cannot stop a non-leaf tensor from requiring grad; use detach()");
        requiresGrad = value;
        return this;
    }

    public Tensor grad() {
        return grad;
    }

    public void setGrad(Tensor g) {
        grad = g;
    }

    /**
     * Forgets the accumulated gradient (PyTorch's {@code zero_grad(set_to_none=True)}). Its memory
     * is kept aside, and the next backward pass writes the new gradient into it: a reference to
     * the old gradient kept across {@code zeroGrad} sees the new values.
     */
    public void zeroGrad() {
        if (grad != null && grad.isDense()) spareGrad = grad;
        grad = null;
    }

    /** The memory of the gradient that {@link #zeroGrad} dropped, once; null when there is none. */
    public Tensor takeSpareGrad() {
        final Tensor spare = spareGrad;
        spareGrad = null;
        return spare;
    }

    public Node gradFn() {
        return gradFn;
    }

    /** Which of its node's outputs this tensor is: 0 unless the op had several. */
    public int outputIndex() {
        return outputIndex;
    }

    /** Records the op that produced this tensor, and which of its outputs it is; called by ops, not by users. */
    public void setGradFn(Node node, int outputIndex) {
        gradFn = node;
        this.outputIndex = outputIndex;
        requiresGrad = node != null;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The same numbers, cut off from the graph: gradients do not flow through the result. */
    public Tensor detach() {
        return view(shape, strides, offset);
    }

    /** Back-propagates from this scalar: fills {@code grad} of every leaf that requires it. */
    public void backward() {
        Backward.run(this, null);
    }

    /** Back-propagates with {@code gradient} as d(something)/d(this). */
    public void backward(Tensor gradient) {
        Backward.run(this, gradient);
    }

    // ---- printing -------------------------------------------------------------------------

    @Override
    public String toString() {
        final int n = numel();
        final StringBuilder sb = new StringBuilder("Tensor(shape=").append(Shape.str(shape));
        if (memory != null) sb.append(", device=").append(device());
        if (n > 0) {
            final float[] v = toArray();
            double sum = 0;
            float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
            for (float x : v) {
                sum += x;
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            sb.append(", values=[");
            final int show = Math.min(n, 6);
            for (int i = 0; i < show; i++) sb.append(i > 0 ? ", " : "").append(String.format("%.4g", v[i]));
            if (n > show) sb.append(", ...");
            sb.append(String.format("], mean=%.4g, min=%.4g, max=%.4g", sum / n, min, max));
        }
        if (gradFn != null) sb.append(", grad_fn=").append(gradFn.name());
        else if (requiresGrad) sb.append(", requires_grad=true");
        return sb.append(')').toString();
    }
}
