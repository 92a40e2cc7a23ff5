package sau.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/** What needs no GPU: reading a device pointer's address (GEMM picks its 16-byte kernels by it). */
class CudaMemoryTest {

    @Test
    void addressIncludesTheByteOffset() {
        final CUdeviceptr p = new CUdeviceptr();
        assertEquals(0, CudaMemory.address(p));
        assertEquals(48, CudaMemory.address(p.withByteOffset(48)));
        assertEquals(52, CudaMemory.address(p.withByteOffset(48).withByteOffset(4)));
    }
}
