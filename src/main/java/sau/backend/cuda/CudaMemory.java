package sau.backend.cuda;

import static jcuda.driver.JCudaDriver.*;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import sau.tensor.Device;
import sau.tensor.DeviceMemory;
import sau.tensor.Tensor;

/** Floats in the memory of one GPU; the storage of a tensor on {@code cuda:N}. */
public final class CudaMemory implements DeviceMemory {

    final CudaDevice device;
    private final CUdeviceptr pointer;
    private final int length;

    CudaMemory(CudaDevice device, CUdeviceptr pointer, int length) {
        this.device = device;
        this.pointer = pointer;
        this.length = length;
    }

    /** The device address of element {@code offset}, for a kernel argument. */
    CUdeviceptr at(int offset) {
        return offset == 0 ? pointer : pointer.withByteOffset(4L * offset);
    }

    /**
     * The number a device pointer holds, for alignment checks. JCuda keeps it in protected fields
     * of its pointer classes, read here once through reflection.
     */
    static long address(CUdeviceptr p) {
        try {
            return (long) NATIVE_POINTER.invoke(p) + (long) BYTE_OFFSET.invoke(p);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read a JCuda pointer's address", e);
        }
    }

    private static final java.lang.reflect.Method NATIVE_POINTER = accessible(jcuda.NativePointerObject.class, "getNativePointer");
    private static final java.lang.reflect.Method BYTE_OFFSET = accessible(Pointer.class, "getByteOffset");

    private static java.lang.reflect.Method accessible(Class<?> type, String name) {
        try {
            final java.lang.reflect.Method m = type.getDeclaredMethod(name);
            m.setAccessible(true);
            return m;
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The device address of a GPU tensor's first element. */
    public static CUdeviceptr of(Tensor t) {
        return ((CudaMemory) t.memory()).at(t.offset());
    }

    @Override
    public Device device() {
        return Device.cuda(device.index);
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void download(int from, float[] dst, int dstOff, int count) {
        if (count == 0) return;
        device.synchronize(); // the kernels that write these numbers run first
        cuMemcpyDtoH(Pointer.to(dst).withByteOffset(4L * dstOff), at(from), 4L * count);
    }

    @Override
    public void upload(float[] src, int to) {
        device.makeCurrent();
        PinnedStaging.upload(device, src, at(to));
    }
}
