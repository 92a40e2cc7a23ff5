package sau.backend.cuda;

import static jcuda.driver.JCudaDriver.*;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;

/**
 * A caching allocator for one GPU, as PyTorch's: {@code cuMemAlloc} and {@code cuMemFree} are
 * slow (they synchronize the device), so freed blocks are kept in lists by size and handed out
 * again. Sizes are rounded up (to 512 bytes, or to 2 MiB above 1 MiB) so that blocks of nearly
 * equal tensors are shared.
 *
 * <p>A block is free again when the {@link CudaMemory} that holds it is garbage collected
 * ({@link Cleaner}), or at once when a training step's {@code Arena} closes, which keeps its
 * blocks for the next step. Since all work runs on one stream, a block reused by a later kernel
 * is only written after every earlier kernel that read it.
 *
 * <p>When the driver runs out of memory the allocator collects garbage, waits for the blocks
 * that frees, then returns every cached block to the driver and tries once more before it
 * reports, in numbers, what ran out.
 */
public final class CudaAllocator {

    private static final Cleaner CLEANER = Cleaner.create();
    private static final long SMALL = 512, LARGE = 2L << 20;

    private final CudaDevice device;
    private final Map<Long, ArrayDeque<CUdeviceptr>> free = new HashMap<>();
    private long allocatedBytes; // held from the driver, in use or cached
    private long cachedBytes;
    private long driverAllocations;

    CudaAllocator(CudaDevice device) {
        this.device = device;
    }

    static long rounded(long bytes) {
        final long unit = bytes > (1L << 20) ? LARGE : SMALL;
        return Math.max(unit, (bytes + unit - 1) / unit * unit);
    }

    /** {@code floats} floats of uninitialized GPU memory. */
    public CudaMemory allocate(int floats) {
        final long bytes = rounded(4L * floats);
        final CUdeviceptr block = take(bytes);
        final CudaMemory memory = new CudaMemory(device, block, floats);
        CLEANER.register(memory, () -> giveBack(bytes, block));
        return memory;
    }

    private synchronized CUdeviceptr take(long bytes) {
        final ArrayDeque<CUdeviceptr> list = free.get(bytes);
        if (list != null && !list.isEmpty()) {
            cachedBytes -= bytes;
            return list.pop();
        }
        device.makeCurrent();
        final CUdeviceptr p = new CUdeviceptr();
        try {
            cuMemAlloc(p, bytes);
        } catch (CudaException outOfMemory) {
            retryAfterCollecting(p, bytes);
        }
        allocatedBytes += bytes;
        driverAllocations++;
        return p;
    }

    private void retryAfterCollecting(CUdeviceptr p, long bytes) {
        // Tensors nobody refers to any more still hold their blocks until the collector runs.
        System.gc();
        try {
            Thread.sleep(50); // the Cleaner thread returns the blocks
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        releaseCached();
        try {
            cuMemAlloc(p, bytes);
        } catch (CudaException e) {
            final long[] freeBytes = new long[1], total = new long[1];
            cuMemGetInfo(freeBytes, total);
            throw new CudaError(String.format(
                "CUDA out of memory on %s: asked for %.1f MiB; sau holds %.1f MiB, the GPU has %.1f MiB free of %.1f MiB. "
                    + "Use a smaller batch_size or model, or free other programs' GPU memory",
                device, bytes / 1048576.0, allocatedBytes / 1048576.0, freeBytes[0] / 1048576.0, total[0] / 1048576.0));
        }
    }

    private synchronized void giveBack(long bytes, CUdeviceptr block) {
        free.computeIfAbsent(bytes, k -> new ArrayDeque<>()).push(block);
        cachedBytes += bytes;
    }

    /** Returns every cached block to the driver (as {@code torch.cuda.empty_cache()}). */
    public synchronized void releaseCached() {
        device.synchronize();
        for (var entry : free.entrySet()) {
            for (CUdeviceptr p : entry.getValue()) {
                cuMemFree(p);
                allocatedBytes -= entry.getKey();
            }
        }
        free.clear();
        cachedBytes = 0;
    }

    /** Bytes taken from the driver and not given back: in use plus cached. */
    public synchronized long reservedBytes() {
        return allocatedBytes;
    }

    /** How many times {@code cuMemAlloc} was called: flat after the first step of a training loop. */
    public synchronized long driverAllocations() {
        return driverAllocations;
    }
}
