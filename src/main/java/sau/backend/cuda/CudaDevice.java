package sau.backend.cuda;

import static jcuda.driver.JCudaDriver.*;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.CudaException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * One GPU, opened through the CUDA driver API: its primary context (the one the CUDA runtime
 * and PyTorch use too), one stream on which every kernel and copy of sau runs in order, and
 * its caching allocator.
 *
 * <p>Only the driver library {@code libcuda.so.1} is needed: the kernels come precompiled
 * (see {@link Kernels}), so no CUDA toolkit has to be installed.
 */
public final class CudaDevice {

    private static final ConcurrentHashMap<Integer, CudaDevice> OPEN = new ConcurrentHashMap<>();
    private static volatile String driverProblem; // why the driver can't be used, once known
    private static volatile boolean driverReady;
    private static final ThreadLocal<Integer> CURRENT = new ThreadLocal<>();

    final int index;
    final CUcontext context = new CUcontext();
    final CUstream stream = new CUstream();
    final String name;
    final int computeCapability; // major*10 + minor, 90 for Hopper
    final long totalMemory;
    final int multiprocessors;
    final CudaAllocator allocator;

    private CudaDevice(int index) {
        this.index = index;
        final CUdevice device = new CUdevice();
        cuDeviceGet(device, index);
        final byte[] nameBytes = new byte[256];
        cuDeviceGetName(nameBytes, nameBytes.length, device);
        int end = 0;
        while (end < nameBytes.length && nameBytes[end] != 0) end++;
        name = new String(nameBytes, 0, end, StandardCharsets.US_ASCII);
        computeCapability = 10 * attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
            + attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        multiprocessors = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        final long[] bytes = new long[1];
        cuDeviceTotalMem(bytes, device);
        totalMemory = bytes[0];
        cuDevicePrimaryCtxRetain(context, device);
        cuCtxSetCurrent(context);
        CURRENT.set(index);
        cuStreamCreate(stream, 0);
        allocator = new CudaAllocator(this);
    }

    private static int attribute(CUdevice device, int attribute) {
        final int[] v = new int[1];
        cuDeviceGetAttribute(v, attribute, device);
        return v[0];
    }

    /** GPU {@code index}, opened on first use; a {@link CudaError} that says why when it can't be. */
    public static CudaDevice get(int index) {
        CudaDevice d = OPEN.get(index);
        if (d == null) {
            synchronized (OPEN) {
                d = OPEN.get(index);
                if (d == null) {
                    initDriver();
                    final int count = count();
                    if (index >= count) {
                        throw new CudaError("cuda:" + index + " does not exist: this machine has " + count + " GPU" + (count == 1 ? "" : "s")
                            + (count > 0 ? " (cuda:0" + (count > 1 ? " to cuda:" + (count - 1) : "") + ")" : ""));
                    }
                    try {
                        d = new CudaDevice(index);
                    } catch (CudaException e) {
                        throw new CudaError("cuda:" + index + " could not be opened: " + e.getMessage(), e);
                    }
                    OPEN.put(index, d);
                }
            }
        }
        d.makeCurrent();
        return d;
    }

    /** Null when GPU 0 can run sau's kernels, else the reason it can't (for {@code device: auto} and skipped tests). */
    public static String unavailableReason() {
        try {
            get(0);
            Kernels.function("elementwise", "fill_f32"); // loads a module: fails here on a driver too old for the PTX
            return null;
        } catch (CudaError e) {
            return e.getMessage();
        }
    }

    /** The number of GPUs the driver sees; 0 when there is no driver. */
    public static int count() {
        try {
            initDriver();
        } catch (CudaError e) {
            return 0;
        }
        final int[] n = new int[1];
        cuDeviceGetCount(n);
        return n[0];
    }

    private static void initDriver() {
        if (driverReady) return;
        if (driverProblem != null) throw new CudaError(driverProblem);
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            driverReady = true;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            driverProblem = "no NVIDIA driver: " + linkProblem(e) + ". Install the NVIDIA driver, or use device \"cpu\" (or \"auto\")";
            throw new CudaError(driverProblem, e);
        } catch (CudaException e) {
            driverProblem = "the NVIDIA driver found no usable GPU (cuInit: " + e.getMessage() + "). Use device \"cpu\" (or \"auto\")";
            throw new CudaError(driverProblem, e);
        }
    }

    /** The GPU of a tensor on a GPU, made current on this thread for the kernels that follow. */
    public static CudaDevice of(sau.tensor.Tensor t) {
        final CudaDevice d = ((CudaMemory) t.memory()).device;
        d.makeCurrent();
        return d;
    }

    /** The GPU last made current on this thread (GPU 0 when none was). */
    static CudaDevice current() {
        final Integer index = CURRENT.get();
        return get(index == null ? 0 : index);
    }

    /**
     * The line of JCuda's long loading report that names what is missing (it tells of every place
     * it looked): usually "libcuda.so.1: cannot open shared object file".
     */
    private static String linkProblem(Throwable e) {
        final String message = String.valueOf(e.getMessage());
        return message.lines().filter(l -> l.contains("libcuda")).findFirst()
            .map(l -> l.substring(l.indexOf("libcuda")))
            .orElse("the CUDA driver library libcuda.so.1 could not be loaded (" + message.lines().findFirst().orElse("") + ")");
    }

    /** Binds this GPU's context to the calling thread, as every driver call needs. */
    void makeCurrent() {
        final Integer current = CURRENT.get();
        if (current == null || current != index) {
            cuCtxSetCurrent(context);
            CURRENT.set(index);
        }
    }

    /** Copies contiguous GPU tensor {@code src} into {@code dst} (same size) with the copy engine, queued on the stream. */
    public static void copy(sau.tensor.Tensor src, sau.tensor.Tensor dst) {
        if (!src.isContiguous() || !dst.isContiguous() || src.numel() != dst.numel()) {
            throw new IllegalArgumentException("copy: needs two contiguous GPU tensors of one size");
        }
        final CudaDevice d = of(dst);
        cuMemcpyDtoDAsync(CudaMemory.of(dst), CudaMemory.of(src), 4L * src.numel(), d.stream);
    }

    /** Waits until everything queued on this GPU's stream has run. */
    public void synchronize() {
        makeCurrent();
        cuStreamSynchronize(stream);
    }

    public String name() {
        return name;
    }

    public int computeCapability() {
        return computeCapability;
    }

    public int multiprocessors() {
        return multiprocessors;
    }

    public long totalMemory() {
        return totalMemory;
    }

    public CudaAllocator allocator() {
        return allocator;
    }

    @Override
    public String toString() {
        return "cuda:" + index + " (" + name + ", compute capability " + computeCapability / 10 + "." + computeCapability % 10
            + ", " + totalMemory / (1 << 20) + " MiB)";
    }
}
