package sau.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix multiply, {@code C = op(A)·op(B) + beta·C}, on row-major arrays.
 *
 * <p>A naive triple loop ({@link #gemmReference}) reaches a few percent of what a core can do,
 * because for every multiply-add it loads operands from memory. The fast version ({@link #gemm})
 * follows the classic GotoBLAS/BLIS design, which makes the core's fused multiply-add units the
 * bottleneck instead of memory:
 *
 * <ol>
 *   <li><b>Micro-kernel.</b> The innermost routine computes a small {@code MR × NR} tile of C,
 *       {@code NR} being two vectors, and keeps the whole tile in registers for the entire k
 *       loop. Each step loads one row of {@code NR} values of B (2 vector loads), broadcasts
 *       {@code MR} values of A, one from each of its {@code MR} rows, and issues {@code 2·MR}
 *       independent FMAs. A core starts two FMAs per cycle and each takes about 4 cycles, so at
 *       least 8 independent chains are needed to keep both units busy; more give the loads
 *       slack. C is read and written only once per tile, at the end. How many rows fit depends
 *       on the registers:
 *       <ul>
 *         <li>AVX2 has 16: the tile is 4×16 (8 accumulators). The 6×16 tile that BLAS libraries
 *             use needs 12 accumulators; the JIT's default scheduling issues all the broadcasts
 *             of a step first, then runs out of registers and spills one accumulator to the
 *             stack, and the store-to-load round trip on that chain halves the speed. (With
 *             {@code -XX:-OptoRegScheduling} it fits, and the product gains about 1%:
 *             docs/performance.md.)
 *         <li>AVX-512 has 32: the tile is 6×32 (12 accumulators, 2 rows of B and 6 broadcasts
 *             are 20 registers), 8–9% faster than 4×32 on a Zen 5 core, where it runs at 97%
 *             of the peak with its data in L1.
 *       </ul>
 *   <li><b>Packing.</b> Before the kernel runs, a {@code KC × NC} block of op(B) is copied into
 *       {@code NR}-wide column panels laid out in exactly the order the kernel reads them, so its
 *       loads are sequential and never cross a page or cache-line boundary in a bad way. The
 *       kernel reads A as {@code MR} rows, each sequential: with AVX-512 an untransposed A is
 *       read where it lies, and only a transposed A (or, with AVX2, any A) is first copied into
 *       {@code MR}-row panels. Packing is also where the transposes are absorbed: all four
 *       {@code transA/transB} combinations feed the same kernel. Panels at the right and bottom
 *       edges are padded with zeros, so the kernel always computes a full tile; a partial tile
 *       goes through a small buffer to C.
 *   <li><b>Cache blocking.</b> {@code KC} is chosen so that one B panel ({@code KC × NR}) stays in
 *       L1 (AVX2) or L2 (AVX-512) while the kernel sweeps down the A block, {@code MC} so that
 *       the A block ({@code MC × KC}, packed, or with AVX-512 read in place) stays in L2, and
 *       {@code NC} ({@link #blockColumns}) so that the packed B block stays in L3. Each packed value is then reused many times from
 *       a near cache. The depth is cut into blocks of equal size ({@link #depthBlocks}).
 *   <li><b>Threads.</b> Each thread computes its own slice of C. When C is at least twice as
 *       tall as it is wide the slices are rows and the threads share each packed block of op(B):
 *       each multiplies its rows by one block while the first to finish packs the next. Otherwise
 *       the slices are columns, each thread reads all of op(A) (and packs it, where A is packed),
 *       and a call is one fork and one join, with no thread waiting for another between depth
 *       blocks. Every element of C is summed over k in the same order whatever the slicing, so
 *       the result is bit-identical with 1 or many threads.
 * </ol>
 *
 * <p>The packing buffers live in thread-locals and only grow, so a call allocates nothing once
 * warm. Small products run on the calling thread alone: waking a worker costs more than they do.
 */
public final class Gemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Rows of the register tile: 6 where there are 32 vector registers (AVX-512), else 4. */
    static final int MR = L >= 16 ? 6 : 4;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;
    /**
     * Whether the kernel reads an untransposed A where it lies instead of from a packed copy: with
     * 16-float vectors (6 rows), in-process against the packed copy, 1.02–1.04× faster at 512³
     * and 1024³ on two threads, where each thread copied all of A for itself, 1.00× at 2048³,
     * 1.02–1.08× for tall products deep in k (4608×512×2048, 2304×256×8192), 1.00× for
     * 512×4608×2048 (docs/performance.md). With 8-float vectors (4 rows) reading A in place was
     * 1.02× slower (stop 18), so A is packed there.
     */
    static final boolean IN_PLACE = MR == 6;
    /**
     * Depth of a packed block, at most. 256 with AVX2, so that one {@code KC × NR} B panel takes
     * 16 KiB, half of L1. 1024 with AVX-512: its 128 KiB panel is over twice a Zen 5 core's L1
     * and streams from L2, which feeds it fast enough, and each tile's sum runs longer before it
     * goes to C. Against 768, in-process: 1.00–1.06× faster at 1024³ (one block instead of two,
     * so C is written once and never read) and 1.00–1.03× at 2048³ (two blocks instead of three);
     * 768 was 1.01–1.03× faster than 384, and 384 2–3% faster than 256. What pays is the length
     * of the sum, not C's trips: two 384-deep sums in a row, the first kept in L1 and C visited
     * once, ran no faster than 384 (docs/performance.md).
     */
    static final int KC = L >= 16 ? 1024 : 256;
    /**
     * Depth of a block, at most, when the product is shallower than {@link #DEEP}: blocks of 768
     * measured no faster there (0.98–1.01 from k = 512 to 784), so those products keep blocks
     * of 384 and the order of their sums, which every small model's training results and the
     * tests that train one were made with.
     */
    static final int SHALLOW_KC = L >= 16 ? 384 : 256;
    /** The depth from which a product is cut into blocks of up to {@link #KC}. */
    static final int DEEP = 1024;
    /** Rows of a packed A block: {@code MC × KC} floats (80 KiB with AVX2, up to 480 KiB with AVX-512) stay in L2. */
    static final int MC = 20 * MR;
    /**
     * Floats of a packed B block, whatever its depth: 2 MiB with AVX-512, 4 MiB with AVX2, a
     * share of L3. Its width is also that of the stripe of C that one block of columns covers,
     * and each depth block adds onto that stripe: at 2048³ on two threads each thread's 1024
     * columns now go in two stripes of 512 (4 MiB of C each) instead of one, and a stripe is
     * still in L3 when the second depth block comes back to it. Against 4 MiB ({@code bin/sau bench
     * gemm}, alternating): two threads 2048³ 1.01–1.03×, 1024³ 1.01–1.03×, one thread 1.03–1.07×;
     * VGG-16's convolutions ({@code conv_vgg16}) 0.97–1.02×, as before (docs/performance.md). Measured
     * on the AVX-512 machine only, so AVX2 keeps 4 MiB.
     */
    static final int B_BLOCK = L >= 16 ? 1 << 19 : 1 << 20;
    /**
     * Floats of each packed B buffer: 4 MiB whatever the block, so that G1 places it at the start
     * of a region (see {@link #B_AT}) with regions of up to 8 MiB.
     */
    static final int B_BUFFER = 1 << 20;

    /**
     * Below this many multiply-adds (about 200³, 0.2 ms on one core) a product runs on the
     * calling thread alone: handing work to the pool costs tens of microseconds per block.
     */
    static final long PARALLEL_WORK = 1L << 23;

    /** Values of A (256 Ki, about 0.15 ms of copying) from which {@link #pack} splits the work over the threads. */
    static final long PARALLEL_PACK = 1 << 18;

    /** Panels of B that one part of a shared packing copies at least: 8 are 128 KiB. */
    static final int PACK_GRAIN = 8;

    /**
     * Where Java puts an array's elements, in floats, relative to a 64-byte cache line: the
     * elements start 16 bytes (4 floats) after the array's object, after its header and length.
     * Java does not say where the object lies, but G1, the collector {@code bin/sau} selects,
     * puts an array of at least half a heap region (regions are 1–32 MiB, a power of two) at the
     * start of a region, so its element i lies {@code HEADER + i} floats into a line. Smaller
     * arrays lie anywhere on 8 bytes; for them the layouts that rely on this are only as fast as
     * before, never wrong.
     */
    static final int HEADER = 4, LINE = 16;

    /**
     * Where a packed B block starts in its buffer, so that it starts on a cache line. The kernel
     * loads B a vector (32 bytes with AVX2) at a time; a load that straddles two 64-byte lines
     * costs a second access, and with the buffer's first element 16 bytes into a line every other
     * one did. Aligned, a 2048³ product is 2–4% faster (docs/performance.md).
     */
    static final int B_AT = LINE - HEADER;

    /**
     * C is at least this many tiles wide before its tiles are moved onto cache lines by adding a
     * column of tiles (see {@link #lead}); narrower, the extra column costs more than it saves.
     */
    static final int WIDE = 64;

    /**
     * Whether {@link #lead} may add a column of tiles at all: only with 8-float vectors. With
     * 16-float vectors, since the kernel loads all of a tile's C before storing it, products
     * 2,048–8,192 columns wide ran 1.01–1.07× faster without the extra column than with it (one
     * and two threads, in-process; on two threads the extra column also falls to one of them);
     * with 8-float vectors it still gains 2% at 2048³ (docs/performance.md).
     */
    static final boolean PAID_SHIFT = L < 16;

    /**
     * The buffers of one thread. The packed B buffer has its full size ({@link #B_BUFFER}) from
     * the start; the packed A buffer grows as needed (with A read in place, it holds only the
     * last panel of a block, when that has fewer than MR rows). {@code tile} receives the edge
     * tiles, and while a transposed A is packed, its 8 × 8 blocks (it holds at least 64 floats).
     */
    private static final class Buffers {
        float[] packedA = new float[0];
        final float[] packedB = new float[B_AT + B_BUFFER];
        final float[] tile = new float[MR * NR];
        private float[] otherB;

        /**
         * Where depth block {@code block} of a shared packing goes: {@code packedB} and a second
         * buffer of the same size in turn, so that one block can be packed while the one before is
         * multiplied (see {@link #slice}).
         */
        float[] packedB(int block) {
            if (block % 2 == 0) return packedB;
            if (otherB == null) otherB = new float[B_AT + B_BUFFER];
            return otherB;
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** 8 floats, a row of one of {@link Transpose8}'s blocks. */
    private static final VectorSpecies<Float> EIGHT = FloatVector.SPECIES_256;

    private Gemm() {}

    /**
     * {@code C = op(A)·op(B) + beta·C} where op(A) is {@code m × k} and op(B) is {@code k × n}.
     *
     * <p>With {@code transA} A is stored {@code k × m}, otherwise {@code m × k}; likewise B. Each
     * matrix is row-major starting at its offset with the given leading dimension (the distance
     * between rows). {@code beta == 0} overwrites C without reading it (NaNs in C are ignored);
     * {@code beta == 1} accumulates into C.
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        multiply(transA, a, aOff, lda, null, transB, m, n, k, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * op(A) packed once, for a product that is repeated with many B: a convolution multiplies its
     * weights by the columns of every image, and packing them again each time would cost as much
     * as a good share of the arithmetic.
     */
    public record PackedA(int m, int k, float[] data) {}

    /**
     * Packs op(A) ({@code m × k}, stored as for {@link #gemm}) for {@link #gemm(PackedA, boolean, int, float[], int, int, float, float[], int, int)}:
     * every depth block, each as the MR-row panels that {@link #kernel} reads. {@code reuse} is
     * an array to fill if it is big enough (or null), else a new one is made. The threads pack
     * the panels side by side when A is large: a convolution packs its weights before each pass,
     * and 512×4608 of them took 1.5 ms on one thread while the other waited.
     */
    public static PackedA pack(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] reuse) {
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        final int panels = ceilDiv(m, MR), paddedRows = panels * MR, blocks = depthBlocks(k);
        final float[] data = grow(reuse, paddedRows * k);
        final int grain = (long) m * k >= PARALLEL_PACK ? 1 : panels;
        Parallel.forRange(panels, grain, (r0, r1) -> {
            final int ic = r0 * MR, mc = Math.min(m, r1 * MR) - ic;
            for (int block = 0; block < blocks; block++) {
                final int pc = Parallel.chunkStart(k, blocks, block), kc = Parallel.chunkStart(k, blocks, block + 1) - pc;
                packA(transA, a, aOff, lda, ic, mc, pc, kc, data, pc * paddedRows + ic * kc);
            }
        });
        return new PackedA(m, k, data);
    }

    /** {@code C = A·op(B) + beta·C} with A packed by {@link #pack}; otherwise as {@link #gemm}. */
    public static void gemm(PackedA a, boolean transB, int n, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        final int m = a.m(), k = a.k();
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkMatrix("C", c, cOff, ldc, m, n);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        multiply(false, null, 0, 0, a, transB, m, n, k, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** Whether an {@code m × n × k} product is large enough to be split over the threads ({@link #PARALLEL_WORK}). */
    static boolean parallel(int m, int n, int k) {
        return (long) m * n * k >= PARALLEL_WORK;
    }

    /** The product, on one thread or sliced over several; A is packed on the way unless {@code packed} holds it. */
    private static void multiply(boolean transA, float[] a, int aOff, int lda, PackedA packed, boolean transB, int m, int n, int k,
                                 float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        final int lead = lead(m, n, cOff, ldc);
        final int mPanels = ceilDiv(m, MR), nPanels = ceilDiv(lead + n, NR);
        // Tall C: the threads split the rows and share each packed block of op(B), meeting once per
        // depth block. Otherwise they split the columns, and each reads all of op(A) (m·k values),
        // packing it for itself where A is packed: a copy that cost less than those meetings
        // unless C is narrow next to its height (square C was 1.02× faster at 1024³ and 2048³ by
        // columns, 1.10× at 512³; twice as tall as wide, 0.97× at 2048×1024×2048, with A packed;
        // docs/performance.md).
        final boolean byRows = m >= 2L * n;
        final int panels = byRows ? mPanels : nPanels;
        final int parts = parallel(m, n, k) ? Math.min(Parallel.threadsHere(), panels) : 1;
        if (parts == 1 || byRows) {
            slice(transA, a, aOff, lda, packed, transB, 0, m, -lead, n, k, b, bOff, ldb, beta, c, cOff, ldc, parts);
            return;
        }
        Parallel.forChunks(parts, part -> {
            final int first = Parallel.chunkStart(panels, parts, part), last = Parallel.chunkStart(panels, parts, part + 1);
            slice(transA, a, aOff, lda, packed, transB, 0, m, first * NR - lead, Math.min(n, last * NR - lead), k, b, bOff, ldb, beta, c, cOff, ldc, 1);
        });
    }

    /**
     * How many columns left of C the grid of tiles starts, so that every tile row starts on a
     * cache line of C (see {@link #HEADER}). A tile row is {@code NR} floats, 64 bytes with AVX2:
     * one line when aligned, two when not, and then one of its two vector loads and stores
     * straddles both. C is read and written once per depth block, mostly from memory, and with
     * aligned rows a 2048³ product was 5–6% faster (8-float vectors, docs/performance.md). The
     * columns left of C are not real: their tile is computed into a buffer, from zeros in packed
     * B, and only its real columns are copied. That costs a column of tiles whenever the shift
     * adds one, so it is done only when the shift is free or, with 8-float vectors
     * ({@link #PAID_SHIFT}), C is {@link #WIDE}. All rows of C must start at the same place in a line, which holds when the
     * rows are a whole number of lines apart.
     */
    static int lead(int m, int n, int cOff, int ldc) {
        if (m > 1 && ldc % LINE != 0) return 0;
        final int lead = (HEADER + cOff) % LINE;
        final boolean free = ceilDiv(lead + n, NR) == ceilDiv(n, NR);
        return free || PAID_SHIFT && ceilDiv(n, NR) >= WIDE ? lead : 0;
    }

    /**
     * Rows {@code [i0, i1)} and columns {@code [j0, j1)} of C: the depth is cut into blocks of equal
     * size ({@link #depthBlocks}, so that no thin last block reloads C for little work); for each
     * block, op(B) is packed in pieces of {@link #blockColumns} columns and multiplied by op(A).
     * The blocks depend only on k, so every element of C is summed in the same order whatever the
     * slicing. A negative {@code j0} starts the tiles left of C (see {@link #lead}).
     *
     * <p>With {@code rowParts} above 1 the rows are split into that many parts run by the pool,
     * which share one packed B in the calling thread's buffers: all threads pack the first block
     * together, then for each block each multiplies its rows by it, and a thread that is done
     * with its rows packs pieces of the next block into the other buffer instead of waiting for
     * the slower one. One parallel region per block; any thread may claim any piece of the
     * packing, so a thread that the machine pauses delays the others by its own rows only.
     */
    private static void slice(boolean transA, float[] a, int aOff, int lda, PackedA packed, boolean transB,
                              int i0, int i1, int j0, int j1, int k, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc, int rowParts) {
        final Buffers own = BUFFERS.get();
        final int blocks = depthBlocks(k), rowPanels = ceilDiv(i1 - i0, MR), columns = blockColumns(k);
        for (int j = j0; j < j1; j += columns) {
            final int jc = j, nc = Math.min(columns, j1 - jc), left = Math.max(0, -jc), panels = ceilDiv(nc, NR);
            for (int block = 0; block < blocks; block++) {
                final int pc = Parallel.chunkStart(k, blocks, block);
                final int kc = Parallel.chunkStart(k, blocks, block + 1) - pc;
                // Later depth blocks add onto what the first one wrote.
                final float blockBeta = block == 0 ? beta : 1f;
                if (rowParts == 1) {
                    packB(transB, b, bOff, ldb, pc, kc, jc, left, nc, 0, panels, own.packedB);
                    computeBlock(transA, a, aOff, lda, packed, i0, i1, left, nc, pc, kc, own.packedB, blockBeta, c, cOff + jc, ldc, own);
                    continue;
                }
                final float[] current = own.packedB(block), next = own.packedB(block + 1);
                if (block == 0) Parallel.forRange(panels, PACK_GRAIN, (q0, q1) -> packB(transB, b, bOff, ldb, pc, kc, jc, left, nc, q0, q1, current));
                final int pcNext = Parallel.chunkStart(k, blocks, block + 1), kcNext = Parallel.chunkStart(k, blocks, block + 2) - pcNext;
                // The pool hands out parts in order: the row parts first, then the pieces of the next
                // block, which fall to whichever thread finishes its rows first.
                final int packParts = block + 1 < blocks ? Math.max(1, panels / PACK_GRAIN) : 0;
                Parallel.forChunksInOrder(rowParts + packParts, part -> {
                    if (part >= rowParts) {
                        final int q = part - rowParts;
                        packB(transB, b, bOff, ldb, pcNext, kcNext, jc, left, nc, Parallel.chunkStart(panels, packParts, q), Parallel.chunkStart(panels, packParts, q + 1), next);
                        return;
                    }
                    final int first = i0 + Parallel.chunkStart(rowPanels, rowParts, part) * MR;
                    final int last = Math.min(i1, i0 + Parallel.chunkStart(rowPanels, rowParts, part + 1) * MR);
                    computeBlock(transA, a, aOff, lda, packed, first, last, left, nc, pc, kc, current, blockBeta, c, cOff + jc, ldc, BUFFERS.get());
                });
            }
        }
    }

    /**
     * Computes rows {@code [i0, i1)} and block columns {@code [left, nc)} of one depth block, in
     * {@code MC}-row blocks: finds each block's rows of A (in A itself, in {@code packed}, or
     * packed here), then runs the kernel over every tile. The block's first {@code left} columns
     * lie left of C and are not written.
     */
    private static void computeBlock(boolean transA, float[] a, int aOff, int lda, PackedA packed, int i0, int i1, int left, int nc,
                                     int pc, int kc, float[] packedB, float beta, float[] c, int cOff, int ldc, Buffers own) {
        final boolean inPlace = IN_PLACE && !transA && packed == null;
        for (int ic = i0; ic < i1; ic += MC) {
            final int mc = Math.min(MC, i1 - ic), wholePanels = mc / MR * MR;
            // Panel ir of the block: its first row in ap, and the distance between its rows.
            final float[] ap;
            final int aBase, rowStride;
            if (inPlace) {
                ap = a;
                aBase = aOff + ic * lda + pc;
                rowStride = lda;
                // A last panel with fewer than MR rows is copied, padded with zero rows.
                if (wholePanels < mc) {
                    own.packedA = grow(own.packedA, MR * kc);
                    packA(false, a, aOff, lda, ic + wholePanels, mc - wholePanels, pc, kc, own.packedA, 0);
                }
            } else if (packed == null) {
                ap = own.packedA = grow(own.packedA, ceilDiv(mc, MR) * MR * kc);
                packA(transA, a, aOff, lda, ic, mc, pc, kc, ap, 0);
                aBase = 0;
                rowStride = kc;
            } else {
                // Where pack() put depth block pc of rows ic onwards.
                ap = packed.data();
                aBase = pc * ceilDiv(packed.m(), MR) * MR + ic * kc;
                rowStride = kc;
            }
            for (int jr = 0; jr < nc; jr += NR) {
                final int from = jr == 0 ? left : 0, nr = Math.min(NR, nc - jr);
                final int bp = B_AT + (jr / NR) * NR * kc;
                for (int ir = 0; ir < mc; ir += MR) {
                    final int mr = Math.min(MR, mc - ir);
                    final int cAt = cOff + (ic + ir) * ldc + jr;
                    final boolean copied = inPlace && ir == wholePanels;
                    final float[] rows = copied ? own.packedA : ap;
                    final int at = copied ? 0 : aBase + ir * rowStride, stride = copied ? kc : rowStride;
                    if (mr == MR && from == 0 && nr == NR && (beta == 0f || beta == 1f)) {
                        kernel(kc, rows, at, stride, packedB, bp, beta, c, cAt, ldc);
                    } else {
                        final float[] tile = own.tile;
                        kernel(kc, rows, at, stride, packedB, bp, 0f, tile, 0, NR);
                        addTile(tile, mr, from, nr, beta, c, cAt, ldc);
                    }
                }
            }
        }
    }

    /**
     * The register-blocked micro-kernel: a full {@code MR × NR} tile of
     * {@code C = Ap·Bp + beta·C}, for beta 0 or 1, from {@code MR} rows of A, {@code rowStride}
     * apart, and an {@code NR}-wide B panel, both of depth {@code kc}. The accumulators are plain locals so that
     * the JIT keeps them in registers. It is written for 6 rows; rows 4 and 5 are under
     * {@code MR == 6}, a constant, so with 4 rows the JIT drops their code and their registers.
     */
    private static void kernel(int kc, float[] ap, int aAt, int rowStride, float[] bp, int bAt,
                               float beta, float[] c, int cAt, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        // Each row's start is fixed and p steps by one, so the JIT proves every index of A in
        // bounds before the loop and checks none inside it. (One index stepped by a stride known
        // only at run time, MR for a packed panel or 1 in place, kept the checks in the loop:
        // 1.5–2% slower, docs/performance.md.)
        final int a1 = aAt + rowStride, a2 = a1 + rowStride, a3 = a2 + rowStride, a4 = a3 + rowStride, a5 = a4 + rowStride;
        for (int p = 0, bi = bAt; p < kc; p++, bi += NR) {
            final FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            final FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[aAt + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[a1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[a2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[a3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            if (MR == 6) {
                av = FloatVector.broadcast(S, ap[a4 + p]);
                c40 = av.fma(b0, c40);
                c41 = av.fma(b1, c41);
                av = FloatVector.broadcast(S, ap[a5 + p]);
                c50 = av.fma(b0, c50);
                c51 = av.fma(b1, c51);
            }
        }
        // The rows written out rather than through a helper: called six times, the JIT stopped
        // inlining it, and an accumulator passed to a method that is not inlined becomes an
        // object, allocated at every step of the loop (7× slower).
        final int r1 = cAt + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        if (beta == 0f) {
            // C is not read: it may hold garbage or NaN.
            c00.intoArray(c, cAt);
            c01.intoArray(c, cAt + L);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + L);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + L);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + L);
            if (MR == 6) {
                c40.intoArray(c, r4);
                c41.intoArray(c, r4 + L);
                c50.intoArray(c, r5);
                c51.intoArray(c, r5 + L);
            }
        } else {
            // All of the tile's C is loaded before any of it is stored. Loaded and stored row by
            // row, each row's load came after the store of the row above, whose address is the
            // same in its low 12 bits when C's rows are a multiple of 4 KiB apart (2048 floats
            // are 8 KiB); the core checks a load against older stores by those bits first, so
            // the load waited for that store, and the store for its own load of C from memory:
            // the tile's misses were taken one after another. 1.00–1.03× faster at 2048³. (Adding C
            // into the accumulators and storing them through one block for both betas, instead of
            // the two blocks here, measured 1–2% slower.)
            final FloatVector o00 = FloatVector.fromArray(S, c, cAt), o01 = FloatVector.fromArray(S, c, cAt + L);
            final FloatVector o10 = FloatVector.fromArray(S, c, r1), o11 = FloatVector.fromArray(S, c, r1 + L);
            final FloatVector o20 = FloatVector.fromArray(S, c, r2), o21 = FloatVector.fromArray(S, c, r2 + L);
            final FloatVector o30 = FloatVector.fromArray(S, c, r3), o31 = FloatVector.fromArray(S, c, r3 + L);
            final FloatVector o40 = MR == 6 ? FloatVector.fromArray(S, c, r4) : null, o41 = MR == 6 ? FloatVector.fromArray(S, c, r4 + L) : null;
            final FloatVector o50 = MR == 6 ? FloatVector.fromArray(S, c, r5) : null, o51 = MR == 6 ? FloatVector.fromArray(S, c, r5 + L) : null;
            c00.add(o00).intoArray(c, cAt);
            c01.add(o01).intoArray(c, cAt + L);
            c10.add(o10).intoArray(c, r1);
            c11.add(o11).intoArray(c, r1 + L);
            c20.add(o20).intoArray(c, r2);
            c21.add(o21).intoArray(c, r2 + L);
            c30.add(o30).intoArray(c, r3);
            c31.add(o31).intoArray(c, r3 + L);
            if (MR == 6) {
                c40.add(o40).intoArray(c, r4);
                c41.add(o41).intoArray(c, r4 + L);
                c50.add(o50).intoArray(c, r5);
                c51.add(o51).intoArray(c, r5 + L);
            }
        }
    }

    /**
     * Copies the first {@code mr} rows, columns {@code [from, nr)}, of an edge tile into C,
     * {@code C = tile + beta·C}: a row's two vectors with masks that touch only those columns.
     */
    private static void addTile(float[] tile, int mr, int from, int nr, float beta, float[] c, int cAt, int ldc) {
        final VectorMask<Float> first = columns(0, from, nr), second = columns(L, from, nr);
        for (int i = 0; i < mr; i++) {
            final int row = cAt + i * ldc;
            addMasked(tile, i * NR, beta, c, row, first);
            if (nr > L) addMasked(tile, i * NR + L, beta, c, row + L, second);
        }
    }

    /** The lanes of the vector that starts at column {@code start} of a tile that lie in columns {@code [from, nr)}. */
    private static VectorMask<Float> columns(int start, int from, int nr) {
        return S.indexInRange(start - from, nr - from);
    }

    private static void addMasked(float[] tile, int t, float beta, float[] c, int at, VectorMask<Float> lanes) {
        FloatVector v = FloatVector.fromArray(S, tile, t);
        if (beta != 0f) v = v.add(FloatVector.fromArray(S, c, at, lanes).mul(beta));
        v.intoArray(c, at, lanes);
    }

    /** The most depth a block of a product k deep may have: {@link #KC}, or {@link #SHALLOW_KC} below {@link #DEEP}. */
    static int maxBlockDepth(int k) {
        return k >= DEEP ? KC : SHALLOW_KC;
    }

    /** How many blocks of equal depth the depth k is cut into. */
    static int depthBlocks(int k) {
        return ceilDiv(k, maxBlockDepth(k));
    }

    /** Columns of a packed B block, whole panels: as many as fit {@link #B_BLOCK} at the depth of k's blocks. */
    static int blockColumns(int k) {
        return B_BLOCK / maxBlockDepth(k) / NR * NR;
    }

    /**
     * Whether {@code C = A·Bᵀ}, {@code m × n} with A and B stored untransposed ({@code m × k} and
     * {@code n × k}), runs faster computed as its transpose {@code Cᵀ = B·Aᵀ}, which the caller
     * then transposes: the same products added in the same order, so the same bits. Either way
     * one operand is read transposed; where an untransposed A is read in place ({@link #IN_PLACE})
     * that costs nothing, while a transposed B is packed with 8×8 transposes, so the longer side
     * should be A, once it fills at least two tiles across. Single products on one thread (with
     * A's panels then packed by vector permutes, cheaper than B's transposes): 1.06–1.76× faster
     * transposed for m from 16 to 512 and n from 144 to 4608, 1.00× square, 0.77× for 16 × 27,
     * whose transposed tiles are mostly edge; with 8-float vectors, where A is packed by plain
     * copies, 0.91–0.96× (docs/performance.md).
     */
    static boolean fasterTransposed(int m, int n) {
        return IN_PLACE && n > m && n >= 2 * NR;
    }

    /**
     * Packs rows {@code [ic, ic + mc)} and depth {@code [pc, pc + kc)} of op(A) into panels of MR
     * rows: panel r holds its rows one after another, row i being the kc values
     * {@code op(A)[ic + r·MR + i][pc, pc + kc)}, the layout {@link #kernel} reads with a row
     * stride of kc. Rows past {@code mc} are zero.
     */
    private static void packA(boolean transA, float[] a, int aOff, int lda,
                              int ic, int mc, int pc, int kc, float[] dst, int dstOff) {
        // The thread's tile buffer receives a transposed A's 8 × 8 blocks (it is free while A is packed).
        final float[] scratch = transA ? BUFFERS.get().tile : null;
        for (int ir = 0; ir < mc; ir += MR) {
            final int mr = Math.min(MR, mc - ir), base = dstOff + ir * kc;
            if (transA) {
                // op(A)[i][p] = A[p][i]: the panel's rows are columns of A. Blocks of 8 depths × 8
                // columns are transposed with vector shuffles into the scratch block, and its first
                // MR rows copied to the panel, where the array holds 8 columns from the panel's
                // first on the block's last depth (the 8 − MR beyond the panel are read but not
                // kept). The rest one value at a time.
                final int src = aOff + pc * lda + ic + ir;
                int p = 0;
                if (mr == MR && src + (kc - 1) * lda + 8 <= a.length) {
                    for (; p + 8 <= kc; p += 8) {
                        Transpose8.block(a, src + p * lda, lda, scratch, 0, 8);
                        for (int i = 0; i < MR; i++) FloatVector.fromArray(EIGHT, scratch, 8 * i).intoArray(dst, base + i * kc + p);
                    }
                }
                for (; p < kc; p++) {
                    for (int i = 0; i < mr; i++) dst[base + i * kc + p] = a[src + p * lda + i];
                }
            } else {
                for (int i = 0; i < mr; i++) System.arraycopy(a, aOff + (ic + ir + i) * lda + pc, dst, base + i * kc, kc);
            }
            // The last panel of a block: its rows past mc are zero.
            if (mr < MR) Arrays.fill(dst, base + mr * kc, base + MR * kc, 0f);
        }
    }

    /**
     * Packs the block {@code op(B)[pc, pc + kc)[jc, jc + nc)} into NR-wide panels from
     * {@code dst[B_AT]} on: panel q holds, for each p, the NR values {@code op(B)[pc + p][jc + q·NR + j]}
     * contiguously. The block's first {@code left} columns (left of op(B), see {@link #lead}) and
     * the columns past {@code nc} are zero.
     */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc,
                              int jc, int left, int nc, int q0, int q1, float[] dst) {
        for (int q = q0; q < q1; q++) {
            final int j0 = q * NR;
            final int from = q == 0 ? left : 0, nr = Math.min(NR, nc - j0);
            final int base = B_AT + q * NR * kc;
            if (transB) {
                // op(B)[p][j] = B[j][p]: the panel's source rows are read side by side, 8 values
                // of 8 rows at a time transposed with vector shuffles; the panel is written in order.
                // At the edges of op(B) (and left of it, see lead) only the blocks of 8 columns
                // that lie wholly inside are transposed, the columns around them set one at a time.
                final int lo = Math.min(nr, (from + 7) & ~7), hi = Math.max(lo, nr & ~7);
                final int first = bOff + (jc + j0) * ldb + pc;
                int p = 0;
                for (; p + 8 <= kc; p += 8) {
                    for (int rows = lo; rows < hi; rows += 8) {
                        Transpose8.block(b, first + rows * ldb + p, ldb, dst, base + p * NR + rows, NR);
                    }
                    for (int i = p; i < p + 8 && (lo > 0 || hi < NR); i++) {
                        packTransposed(b, bOff, ldb, pc + i, jc + j0, from, nr, 0, lo, dst, base + i * NR);
                        packTransposed(b, bOff, ldb, pc + i, jc + j0, from, nr, hi, NR, dst, base + i * NR);
                    }
                }
                // The depths the transposes leave: one value at a time.
                for (; p < kc; p++) packTransposed(b, bOff, ldb, pc + p, jc + j0, from, nr, 0, NR, dst, base + p * NR);
            } else if (from == 0 && nr == NR) {
                for (int p = 0; p < kc; p++) {
                    final int src = bOff + (pc + p) * ldb + jc + j0;
                    final int d = base + p * NR;
                    FloatVector.fromArray(S, b, src).intoArray(dst, d);
                    FloatVector.fromArray(S, b, src + L).intoArray(dst, d + L);
                }
            } else {
                // An edge panel: masked loads read only columns [from, nr) and leave zeros elsewhere.
                final VectorMask<Float> first = columns(0, from, nr), second = columns(L, from, nr);
                for (int p = 0; p < kc; p++) {
                    final int src = bOff + (pc + p) * ldb + jc + j0;
                    final int d = base + p * NR;
                    FloatVector.fromArray(S, b, src, first).intoArray(dst, d);
                    FloatVector.fromArray(S, b, src + L, second).intoArray(dst, d + L);
                }
            }
        }
    }

    /**
     * Columns {@code [j0, j1)} of depth {@code p} of a panel of a transposed B whose first column
     * is column {@code col0} of op(B), one value at a time: op(B)[p][col] = B[col][p], and zero
     * left of {@code from} and from {@code nr} on.
     */
    private static void packTransposed(float[] b, int bOff, int ldb, int p, int col0, int from, int nr,
                                       int j0, int j1, float[] dst, int d) {
        for (int j = j0; j < j1; j++) dst[d + j] = j < from || j >= nr ? 0f : b[bOff + (col0 + j) * ldb + p];
    }

    /** {@code C = beta·C}, the whole product when k is 0. */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            final int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[row + j] = beta == 0f ? 0f : beta * c[row + j];
        }
    }

    /**
     * The plain triple loop, the definition that {@link #gemm} is tested against. Same
     * arguments and meaning.
     */
    public static void gemmReference(boolean transA, boolean transB, int m, int n, int k,
                                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                     float beta, float[] c, int cOff, int ldc) {
        checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    final float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    final float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += av * bv;
                }
                final int at = cOff + i * ldc + j;
                c[at] = beta == 0f ? sum : sum + beta * c[at];
            }
        }
    }

    /** Fails fast, naming the argument, instead of with an index error deep in a kernel. */
    private static void checkArguments(boolean transA, boolean transB, int m, int n, int k,
                                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                       float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative size m=" + m + " n=" + n + " k=" + k);
        }
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkMatrix("C", c, cOff, ldc, m, n);
    }

    private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
        if (rows == 0 || cols == 0) return;
        if (ld < cols) {
            throw new IllegalArgumentException("leading dimension of " + name + " is " + ld
                    + ", less than its " + cols + " columns");
        }
        final long last = off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= x.length) {
            throw new IllegalArgumentException(name + " (" + rows + "×" + cols + " at offset " + off
                    + ", leading dimension " + ld + ") does not fit in an array of " + x.length);
        }
    }

    private static float[] grow(float[] buffer, int size) {
        return buffer != null && buffer.length >= size ? buffer : new float[size];
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
