// Dropout masks drawn on the GPU from a counter-based generator: element i's uniform number is
// a hash of (seed, i) (SplitMix64's output function applied to seed + (i+1)·γ), so the mask is a
// function of the seed alone, whatever the launch; the seed comes from the op's Generator.
#include "common.cuh"

__device__ __forceinline__ unsigned long long splitmix64(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// mask[i] = keep (= 1/(1−p)) with probability 1 − p, else 0; one thread per element. u has 24
// random bits, uniform in [0, 1), so u >= p happens with probability 1 − p (to 2^-24).
extern "C" __global__ void dropout_mask(float* mask, long n, long seed, float p, float keep) {
    FOR_EACH(i, n) {
        const unsigned long long h = splitmix64((unsigned long long)seed + (unsigned long long)(i + 1) * 0x9E3779B97F4A7C15ull);
        const float u = (float)(h >> 40) * (1.f / 16777216.f);
        mask[i] = u >= p ? keep : 0.f;
    }
}
