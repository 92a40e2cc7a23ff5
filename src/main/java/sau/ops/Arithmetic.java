package sau.ops;

import static sau.ops.Reductions.sumTo;

import sau.autograd.Node;
import sau.backend.Backend;
import sau.backend.cpu.BinaryOp;
import sau.backend.cpu.UnaryOp;
import sau.tensor.Tensor;

/**
 * The arithmetic of two tensors, with broadcasting. Each gradient is summed back to its input's
 * shape ({@link Reductions#sumTo}), because a broadcast input was used once per copy.
 */
public final class Arithmetic {

    private Arithmetic() {}

    /** d(a+b)/da = 1, d(a+b)/db = 1. */
    public static Tensor add(Tensor a, Tensor b) {
        final Tensor out = Backend.binary(BinaryOp.ADD, a, b);
        return Node.record("Add", out, g -> new Tensor[] {grad(a, g), grad(b, g)}, a, b);
    }

    public static Tensor add(Tensor a, float b) {
        return add(a, Tensor.scalar(b));
    }

    /** d(a−b)/da = 1, d(a−b)/db = −1. */
    public static Tensor sub(Tensor a, Tensor b) {
        final Tensor out = Backend.binary(BinaryOp.SUB, a, b);
        return Node.record("Sub", out, g -> new Tensor[] {grad(a, g), b.requiresGrad() ? neg(sumTo(g, b.shape())) : null}, a, b);
    }

    public static Tensor sub(Tensor a, float b) {
        return sub(a, Tensor.scalar(b));
    }

    /** d(ab)/da = b, d(ab)/db = a. */
    public static Tensor mul(Tensor a, Tensor b) {
        final Tensor out = Backend.binary(BinaryOp.MUL, a, b);
        return Node.record("Mul", out, g -> new Tensor[] {
            a.requiresGrad() ? grad(a, mul(g, b)) : null,
            b.requiresGrad() ? grad(b, mul(g, a)) : null}, a, b);
    }

    public static Tensor mul(Tensor a, float b) {
        return mul(a, Tensor.scalar(b));
    }

    /** d(a/b)/da = 1/b, d(a/b)/db = −a/b² = −(a/b)/b. */
    public static Tensor div(Tensor a, Tensor b) {
        final Tensor out = Backend.binary(BinaryOp.DIV, a, b);
        return Node.record("Div", out, g -> new Tensor[] {
            a.requiresGrad() ? grad(a, div(g, b)) : null,
            b.requiresGrad() ? grad(b, neg(div(mul(g, out), b))) : null}, a, b);
    }

    public static Tensor div(Tensor a, float b) {
        return mul(a, 1f / b);
    }

    /** d(aᵇ)/da = b·aᵇ⁻¹, d(aᵇ)/db = aᵇ·ln a. */
    public static Tensor pow(Tensor a, Tensor b) {
        final Tensor out = Backend.binary(BinaryOp.POW, a, b);
        return Node.record("Pow", out, g -> new Tensor[] {
            a.requiresGrad() ? grad(a, mul(g, mul(b, pow(a, sub(b, 1f))))) : null,
            b.requiresGrad() ? grad(b, mul(g, mul(out, MathFunctions.log(a)))) : null}, a, b);
    }

    /** d(xᵖ)/dx = p·xᵖ⁻¹. */
    public static Tensor pow(Tensor x, float p) {
        final Tensor out = Backend.unary(UnaryOp.POW, x, p, 0);
        return Node.record("PowScalar", out, g -> new Tensor[] {mul(g, mul(Backend.unary(UnaryOp.POW, x, p - 1, 0), p))}, x);
    }

    /** d(−x)/dx = −1. */
    public static Tensor neg(Tensor x) {
        final Tensor out = Backend.unary(UnaryOp.NEG, x, 0, 0);
        return Node.record("Neg", out, g -> new Tensor[] {neg(g)}, x);
    }

    /**
     * The larger of a and b, elementwise. The gradient goes to the larger input; on a tie it is
     * split in half between them, as PyTorch does.
     */
    public static Tensor maximum(Tensor a, Tensor b) {
        return select(BinaryOp.MAX, BinaryOp.GT, "Maximum", a, b);
    }

    /** The smaller of a and b, elementwise; gradient as for {@link #maximum}. */
    public static Tensor minimum(Tensor a, Tensor b) {
        return select(BinaryOp.MIN, BinaryOp.LT, "Minimum", a, b);
    }

    private static Tensor select(BinaryOp op, BinaryOp wins, String name, Tensor a, Tensor b) {
        final Tensor out = Backend.binary(op, a, b);
        return Node.record(name, out, g -> {
            // share of a: 1 where a wins, 1/2 on a tie, 0 where b wins
            final Tensor shareA = add(Backend.binary(wins, a, b), mul(Backend.binary(BinaryOp.EQ, a, b), 0.5f));
            return new Tensor[] {
                a.requiresGrad() ? grad(a, mul(g, shareA)) : null,
                b.requiresGrad() ? grad(b, mul(g, sub(Tensor.scalar(1f), shareA))) : null};
        }, a, b);
    }

    /** 1 where a > b, else 0 (no gradient: a step function). */
    public static Tensor gt(Tensor a, Tensor b) {
        return Backend.binary(BinaryOp.GT, a, b);
    }

    public static Tensor gt(Tensor a, float b) {
        return gt(a, Tensor.scalar(b));
    }

    /** 1 where a < b, else 0. */
    public static Tensor lt(Tensor a, Tensor b) {
        return Backend.binary(BinaryOp.LT, a, b);
    }

    /** 1 where a == b, else 0. */
    public static Tensor eq(Tensor a, Tensor b) {
        return Backend.binary(BinaryOp.EQ, a, b);
    }

    private static Tensor grad(Tensor input, Tensor g) {
        return input.requiresGrad() ? sumTo(g, input.shape()) : null;
    }
}
