package sau.backend.cuda;

import static jcuda.driver.JCudaDriver.*;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;

/**
 * The CUDA kernels, loaded from the jar. Each {@code src/main/cuda/NAME.cu} is compiled by
 * {@code bin/build-kernels} into {@code NAME.cubin} (machine code for Hopper, sm_90) and
 * {@code NAME.ptx} (the portable form, for Ampere and newer, which the driver compiles on first
 * load), and both are committed under {@code src/main/resources/sau/backend/cuda/}: a user needs
 * a driver but no CUDA toolkit.
 */
public final class Kernels {

    private static final String RESOURCES = "/sau/backend/cuda/";
    private static final ConcurrentHashMap<String, CUmodule> MODULES = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, Kernel> FUNCTIONS = new ConcurrentHashMap<>();

    private Kernels() {}

    /**
     * Kernel {@code name} of module {@code module} on the GPU current on this thread (the one whose
     * tensors the calling op reads: {@link CudaDevice#of}).
     */
    public static Kernel function(String module, String name) {
        final CudaDevice device = CudaDevice.current();
        return FUNCTIONS.computeIfAbsent(device.index + "." + module + "." + name, key -> {
            final CUfunction f = new CUfunction();
            try {
                cuModuleGetFunction(f, module(device, module), name);
            } catch (CudaException e) {
                throw new CudaError("kernel " + name + " is missing from " + module + ".ptx: rebuild the kernels with bin/build-kernels", e);
            }
            return new Kernel(name, device, f);
        });
    }

    private static CUmodule module(CudaDevice device, String name) {
        return MODULES.computeIfAbsent(device.index + "." + name, key -> {
            final String n = name;
            final CUmodule module = new CUmodule();
            final byte[] cubin = device.computeCapability == 90 ? resource(n + ".cubin") : null;
            if (cubin != null) {
                cuModuleLoadData(module, cubin);
                return module;
            }
            final byte[] ptx = resource(n + ".ptx");
            if (ptx == null) throw new CudaError("the CUDA kernels " + n + ".ptx are not in the jar: run bin/build-kernels, then rebuild");
            try {
                cuModuleLoadData(module, Arrays.copyOf(ptx, ptx.length + 1)); // the driver wants PTX text 0-terminated
            } catch (CudaException e) {
                throw new CudaError("the GPU driver cannot load sau's kernels (" + e.getMessage() + "): " + device
                    + " needs compute capability 8.0 or newer and a driver for CUDA 13 (version 580 or newer); update the driver or use device \"cpu\"", e);
            }
            return module;
        });
    }

    private static byte[] resource(String file) {
        try (InputStream in = Kernels.class.getResourceAsStream(RESOURCES + file)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new CudaError("cannot read " + file + " from the jar: " + e.getMessage(), e);
        }
    }

    /** One kernel; {@link #launch} queues it on the GPU's stream. */
    public static final class Kernel {
        private final String name;
        private final CudaDevice device;
        private final CUfunction function;
        private int maxDynamicShared = 48 << 10;

        private Kernel(String name, CudaDevice device, CUfunction function) {
            this.name = name;
            this.device = device;
            this.function = function;
        }

        /** A 1-D launch of {@code n} threads in blocks of {@code block}. */
        public void launch1d(int n, int block, Object... args) {
            launch((n + block - 1) / block, 1, 1, block, 1, 1, 0, args);
        }

        /**
         * Queues the kernel. Arguments are passed as the kernel declares them: a {@link CUdeviceptr}
         * for a pointer, an {@code Integer}, {@code Long} or {@code Float} for a number, an
         * {@code int[]} for a struct of ints passed by value.
         */
        public void launch(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes, Object... args) {
            if (gridX == 0 || gridY == 0 || gridZ == 0) return;
            device.makeCurrent();
            if (sharedBytes > maxDynamicShared) {
                cuFuncSetAttribute(function, jcuda.driver.CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, sharedBytes);
                maxDynamicShared = sharedBytes;
            }
            final Pointer[] params = new Pointer[args.length];
            for (int i = 0; i < args.length; i++) {
                params[i] = switch (args[i]) {
                    case CUdeviceptr p -> Pointer.to(p);
                    case Integer v -> Pointer.to(new int[] {v});
                    case Long v -> Pointer.to(new long[] {v});
                    case Float v -> Pointer.to(new float[] {v});
                    case int[] v -> Pointer.to(v);
                    default -> throw new IllegalArgumentException("kernel " + name + ": cannot pass a " + args[i].getClass().getSimpleName());
                };
            }
            try {
                cuLaunchKernel(function, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes, device.stream, Pointer.to(params), null);
            } catch (CudaException e) {
                throw new CudaError("kernel " + name + " failed to launch (grid " + gridX + "×" + gridY + "×" + gridZ
                    + ", block " + blockX + "×" + blockY + "×" + blockZ + "): " + e.getMessage(), e);
            }
        }
    }
}
