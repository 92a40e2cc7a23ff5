package sau.backend.cuda;

/**
 * A failure of the CUDA backend, worded for the person at the keyboard: no driver, no GPU, a
 * driver too old for the kernels, memory run out. The command line prints the message alone.
 */
public final class CudaError extends RuntimeException {

    public CudaError(String message) {
        super(message);
    }

    public CudaError(String message, Throwable cause) {
        super(message, cause);
    }
}
