package sau.backend;

import sau.backend.cuda.CudaDevice;
import sau.backend.cuda.CudaElementwise;
import sau.backend.cuda.CudaError;
import sau.tensor.Device;
import sau.tensor.DeviceMemory;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Devices as the rest of sau sees them: choosing one from a config's {@code device} string,
 * checking that an op's tensors share one, and the few storage services {@link Tensor} and
 * {@link sau.tensor.Arena} need from the GPU backend.
 */
public final class Devices {

    private Devices() {}

    /**
     * The device {@code spec} names, checked to be usable: {@code "cpu"}, {@code "cuda"},
     * {@code "cuda:N"}, or {@code "auto"} (the first GPU when it can run sau's kernels, else the
     * CPU). A {@link CudaError} says why a named GPU can't be used.
     */
    public static Device resolve(String spec) {
        if (spec.trim().equalsIgnoreCase("auto")) return CudaDevice.unavailableReason() == null ? Device.cuda(0) : Device.CPU;
        final Device device = Device.parse(spec);
        if (device.isCuda()) {
            CudaDevice.get(device.index());
            if (device.index() == 0) {
                final String why = CudaDevice.unavailableReason();
                if (why != null) throw new CudaError(why);
            }
        }
        return device;
    }

    /** The device all of {@code tensors} (nulls skipped) live on; an error naming both when they differ. */
    public static Device common(String op, Tensor... tensors) {
        Device device = null;
        for (Tensor t : tensors) {
            if (t == null) continue;
            final Device d = t.device();
            if (device == null) device = d;
            else if (!device.equals(d)) {
                throw new IllegalArgumentException(op + ": its inputs are on different devices, " + device + " and " + d
                    + "; move them to one with .to(device)");
            }
        }
        return device == null ? Device.CPU : device;
    }

    /** Uninitialized GPU memory for {@code floats} numbers. */
    public static DeviceMemory allocate(Device device, int floats) {
        if (!device.isCuda()) throw new IllegalArgumentException("allocate: " + device + " is not a GPU");
        return CudaDevice.get(device.index()).allocator().allocate(floats);
    }

    public static void fill(DeviceMemory memory, float value) {
        CudaElementwise.fill(memory, value);
    }

    /** Copies the contiguous GPU tensor {@code src} into {@code dst} from element {@code at}. */
    public static void copy(Tensor src, DeviceMemory dst, int at) {
        CudaElementwise.copyInto(new Tensor(dst, src.shape(), Shape.contiguousStrides(src.shape()), at), src);
    }

    /** A contiguous copy of a strided GPU tensor. */
    public static Tensor contiguous(Tensor x) {
        return CudaElementwise.contiguous(x);
    }
}
