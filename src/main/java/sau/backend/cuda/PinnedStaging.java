package sau.backend.cuda;

import static jcuda.driver.JCudaDriver.*;

import java.nio.ByteOrder;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;

/**
 * Page-locked ("pinned") host buffers through which arrays go to the GPU. The GPU's copy engine
 * can only read pinned memory; from a Java array the driver would first copy into a pinned
 * buffer of its own and wait. Here the array is copied into one of a few pinned buffers and the
 * transfer is queued on the stream ({@code cuMemcpyHtoDAsync}), so the Java thread goes on
 * (loading the next batch) while the GPU copies and computes. A buffer is used again only after
 * the event recorded behind its last copy has passed.
 */
final class PinnedStaging {

    private static final int SLOTS = 4;

    private static final class Slot {
        Pointer host;
        long capacity;
        final CUevent done = new CUevent();
        boolean pending;
    }

    private static final Slot[] SLOTS_RING = new Slot[SLOTS];
    private static int next;

    private PinnedStaging() {}

    static synchronized void upload(CudaDevice device, float[] src, CUdeviceptr dst) {
        final long bytes = 4L * src.length;
        if (bytes == 0) return;
        Slot slot = SLOTS_RING[next];
        if (slot == null) {
            slot = SLOTS_RING[next] = new Slot();
            cuEventCreate(slot.done, 0);
        }
        next = (next + 1) % SLOTS;
        if (slot.pending) cuEventSynchronize(slot.done);
        if (slot.capacity < bytes) {
            if (slot.host != null) cuMemFreeHost(slot.host);
            slot.host = new Pointer();
            slot.capacity = Math.max(bytes, 1L << 20);
            cuMemHostAlloc(slot.host, slot.capacity, 0);
        }
        slot.host.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder()).asFloatBuffer().put(src);
        cuMemcpyHtoDAsync(dst, slot.host, bytes, device.stream);
        cuEventRecord(slot.done, device.stream);
        slot.pending = true;
    }
}
