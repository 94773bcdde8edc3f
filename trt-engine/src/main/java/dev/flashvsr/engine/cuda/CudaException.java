package dev.flashvsr.engine.cuda;

import dev.flashvsr.engine.EngineException;

/**
 * A CUDA driver API call that failed: the {@code CUresult} code, its name (such as
 * {@code CUDA_ERROR_OUT_OF_MEMORY}) and, as {@link #remedy()}, what a user can do about it.
 */
public final class CudaException extends EngineException {
    /** The {@code CUresult} codes this layer reacts to or raises itself. */
    public static final int CUDA_ERROR_INVALID_VALUE = 1;
    public static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    public static final int CUDA_ERROR_NO_DEVICE = 100;
    public static final int CUDA_ERROR_INVALID_DEVICE = 101;
    public static final int CUDA_ERROR_INVALID_CONTEXT = 201;
    public static final int CUDA_ERROR_INVALID_PTX = 218;
    public static final int CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222;
    public static final int CUDA_ERROR_INVALID_HANDLE = 400;
    public static final int CUDA_ERROR_NOT_FOUND = 500;

    private final int code;
    private final String codeName;

    /** A failure with a message and remedy of the caller's own (for example a device id out of range). */
    public CudaException(String message, int code, String codeName, String remedy) {
        super(message, remedy);
        this.code = code;
        this.codeName = codeName;
    }

    /**
     * The failure of driver call {@code call} with {@code code}, named {@code codeName} and described
     * by {@code description} (cuGetErrorName and cuGetErrorString), with the usual remedy for it.
     */
    public static CudaException ofCall(String call, int code, String codeName, String description) {
        String message = call + " failed: " + codeName + " (" + code + ")"
                + (description == null || description.isEmpty() ? "" : ": " + description);
        return new CudaException(message, code, codeName, remedyFor(code, codeName));
    }

    /** The {@code CUresult} code. */
    public int code() {
        return code;
    }

    /** The {@code CUresult} name, such as {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    public String codeName() {
        return codeName;
    }

    static String remedyFor(int code, String codeName) {
        return switch (code) {
            case CUDA_ERROR_OUT_OF_MEMORY -> "free GPU memory: close other programs using the GPU (nvidia-smi lists"
                    + " them), lower the output resolution or tile size, or pick another device-id";
            case CUDA_ERROR_NO_DEVICE -> "no NVIDIA GPU is visible to this process: check nvidia-smi,"
                    + " CUDA_VISIBLE_DEVICES and, in a container, that the GPU is passed through";
            case CUDA_ERROR_INVALID_DEVICE -> "pick a device-id that nvidia-smi -L lists";
            case CUDA_ERROR_INVALID_PTX, CUDA_ERROR_UNSUPPORTED_PTX_VERSION -> "update the NVIDIA driver: the kernels"
                    + " are PTX ISA " + CudaKernels.PTX_ISA_VERSION + ", which needs CUDA 11.8 (driver R520) or later";
            case CUDA_ERROR_NOT_FOUND -> "the jar's PTX lacks a kernel this version launches: rebuild flashvsr-gst";
            default -> "this is a CUDA driver failure (" + codeName + "); check nvidia-smi and the kernel log (dmesg),"
                    + " and report it with this message if it persists";
        };
    }
}
