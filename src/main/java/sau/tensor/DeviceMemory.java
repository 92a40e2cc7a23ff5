package sau.tensor;

/**
 * The storage of a tensor that lives outside the JVM heap, on a GPU. The tensor package knows
 * only this much of it; the backend that made it ({@code sau.backend.cuda.CudaMemory}) knows the
 * rest, and moves numbers in and out.
 */
public interface DeviceMemory {

    Device device();

    /** Capacity in floats. */
    int length();

    /** Copies {@code count} floats from element {@code from} into {@code dst[dstOff...]}; waits for pending GPU work. */
    void download(int from, float[] dst, int dstOff, int count);

    /** Copies {@code src} into this memory from element {@code at}. */
    void upload(float[] src, int at);
}
