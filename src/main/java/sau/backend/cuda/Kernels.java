package sau.backend.cuda;

import static jcuda.driver.JCudaDriver.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    /** Each kernel's parameters as the PTX declares them, e.g. {@code [u64, u32, f32, b8[72]]}, by module and name. */
    private static final ConcurrentHashMap<String, Map<String, List<String>>> SIGNATURES = new ConcurrentHashMap<>();
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.(\\w+)\\s+\\w+(?:\\[(\\d+)\\])?");

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
            return new Kernel(name, device, f, signature(module, name));
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

    /**
     * The parameter types of kernel {@code name}, read from its PTX. The driver takes a kernel's
     * arguments as an untyped array of pointers: one argument too few or of the wrong width would
     * make it read past them and crash the process, so every launch is checked against this first.
     */
    static List<String> signature(String module, String name) {
        final List<String> params = SIGNATURES.computeIfAbsent(module, m -> {
            final byte[] ptx = resource(m + ".ptx");
            if (ptx == null) throw new CudaError("the CUDA kernels " + m + ".ptx are not in the jar: run bin/build-kernels, then rebuild");
            final Map<String, List<String>> kernels = new HashMap<>();
            final Matcher entry = ENTRY.matcher(new String(ptx, StandardCharsets.US_ASCII));
            while (entry.find()) {
                final List<String> types = new ArrayList<>();
                final Matcher param = PARAM.matcher(entry.group(2));
                while (param.find()) types.add(param.group(2) == null ? param.group(1) : "b8[" + param.group(2) + "]");
                kernels.put(entry.group(1), List.copyOf(types));
            }
            return kernels;
        }).get(name);
        if (params != null) return params;
        throw new CudaError("kernel " + name + " is missing from " + module + ".ptx: rebuild the kernels with bin/build-kernels");
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
        private final List<String> params;
        private int maxDynamicShared = 48 << 10;

        private Kernel(String name, CudaDevice device, CUfunction function, List<String> params) {
            this.name = name;
            this.device = device;
            this.function = function;
            this.params = params;
        }

        /** Whether a Java argument has the width and kind of a PTX parameter. */
        private static boolean fits(Object arg, String param) {
            return switch (arg) {
                case CUdeviceptr p -> param.equals("u64") || param.equals("b64");
                case Long v -> param.equals("u64") || param.equals("s64") || param.equals("b64");
                case Integer v -> param.equals("u32") || param.equals("s32") || param.equals("b32");
                case Float v -> param.equals("f32");
                case int[] v -> param.equals("b8[" + 4 * v.length + "]");
                default -> false;
            };
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
            if (args.length != params.size()) {
                throw new IllegalArgumentException("kernel " + name + " takes " + params.size() + " arguments " + params + ", given " + args.length);
            }
            final Pointer[] pointers = new Pointer[args.length];
            for (int i = 0; i < args.length; i++) {
                if (!fits(args[i], params.get(i))) {
                    throw new IllegalArgumentException("kernel " + name + ": argument " + i + " is a " + args[i].getClass().getSimpleName()
                        + (args[i] instanceof int[] v ? " of " + v.length + " ints" : "") + " but the kernel declares ." + params.get(i));
                }
                pointers[i] = switch (args[i]) {
                    case CUdeviceptr p -> Pointer.to(p);
                    case Integer v -> Pointer.to(new int[] {v});
                    case Long v -> Pointer.to(new long[] {v});
                    case Float v -> Pointer.to(new float[] {v});
                    case int[] v -> Pointer.to(v);
                    default -> throw new IllegalArgumentException("kernel " + name + ": cannot pass a " + args[i].getClass().getSimpleName());
                };
            }
            try {
                cuLaunchKernel(function, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes, device.stream, Pointer.to(pointers), null);
            } catch (CudaException e) {
                throw new CudaError("kernel " + name + " failed to launch (grid " + gridX + "×" + gridY + "×" + gridZ
                    + ", block " + blockX + "×" + blockY + "×" + blockZ + "): " + e.getMessage(), e);
            }
        }
    }
}
