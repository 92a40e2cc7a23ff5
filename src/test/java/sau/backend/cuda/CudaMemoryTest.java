package sau.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/**
 * What needs no GPU: reading a device pointer's address (GEMM picks its 16-byte kernels by it),
 * and the kernels' parameter lists that every launch is checked against, read from the PTX.
 */
class CudaMemoryTest {

    @Test
    void addressIncludesTheByteOffset() {
        final CUdeviceptr p = new CUdeviceptr();
        assertEquals(0, CudaMemory.address(p));
        assertEquals(48, CudaMemory.address(p.withByteOffset(48)));
        assertEquals(52, CudaMemory.address(p.withByteOffset(48).withByteOffset(4)));
    }

    @Test
    void kernelSignaturesComeFromThePtx() {
        // five pointers, then five ints
        assertEquals(List.of("u64", "u64", "u64", "u64", "u64", "u32", "u32", "u32", "u32", "u32"), Kernels.signature("index", "index_add_grouped"));
        // a struct of 18 ints passed by value
        assertEquals(List.of("u64", "u64", "u64", "u64", "b8[72]"), Kernels.signature("index", "gather"));
        // a pointer, a long, a float
        assertEquals(List.of("u64", "u64", "f32"), Kernels.signature("elementwise", "fill_f32"));
        final CudaError missing = assertThrows(CudaError.class, () -> Kernels.signature("index", "no_such_kernel"));
        assertTrue(missing.getMessage().contains("bin/build-kernels"), missing.getMessage());
    }
}
