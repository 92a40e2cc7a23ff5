package sau.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sau.backend.cuda.CudaDevice;
import sau.backend.cuda.CudaError;
import sau.tensor.Device;
import sau.tensor.Tensor;

/** The device model, on any machine: names, "auto", and what asking for a GPU says when there is none. */
class DevicesTest {

    @Test
    void devicesAreNamedAsInPyTorch() {
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertEquals(Device.cuda(0), Device.parse("cuda"));
        assertEquals(Device.cuda(3), Device.parse("CUDA:3"));
        assertEquals("cuda:3", Device.cuda(3).toString());
        for (String bad : new String[] {"gpu", "cuda:", "cuda:-1", "cuda:x", "tpu:0"}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Device.parse(bad));
            assertTrue(e.getMessage().contains("cuda:N"), e.getMessage());
        }
    }

    @Test
    void autoPicksTheGpuOnlyWhenItWorksAndCudaSaysWhyItCannot() {
        final String why = CudaDevice.unavailableReason();
        if (why == null) {
            assertEquals(Device.cuda(0), Devices.resolve("auto"));
            assertEquals(Device.cuda(0), Devices.resolve("cuda"));
        } else {
            assertEquals(Device.CPU, Devices.resolve("auto"));
            final CudaError e = assertThrows(CudaError.class, () -> Devices.resolve("cuda"));
            assertEquals(why, e.getMessage());
            assertTrue(why.contains("driver") || why.contains("GPU"), why);
        }
        final CudaError missing = assertThrows(CudaError.class, () -> Devices.resolve("cuda:" + (CudaDevice.count() + 5)));
        assertTrue(missing.getMessage().contains("cuda:") || missing.getMessage().contains("driver"), missing.getMessage());
    }

    @Test
    void cpuTensorsStayWhereTheyAre() {
        final Tensor x = Tensor.of(1f, 2f, 3f);
        assertEquals(Device.CPU, x.device());
        assertTrue(x == x.to(Device.CPU));
        assertEquals(Device.CPU, Devices.common("add", x, null, Tensor.scalar(2f)));
    }
}
