package sau.ops;

import static sau.ops.Arithmetic.mul;

import sau.autograd.Node;
import sau.backend.Backend;
import sau.backend.cpu.BinaryOp;
import sau.backend.cpu.UnaryOp;
import sau.tensor.Tensor;

/** The elementwise functions of one tensor, each with its derivative. */
public final class MathFunctions {

    private MathFunctions() {}

    private static Tensor unary(UnaryOp op, Tensor x) {
        return Backend.unary(op, x, 0, 0);
    }

    /** d eˣ/dx = eˣ, the output itself. */
    public static Tensor exp(Tensor x) {
        final Tensor y = unary(UnaryOp.EXP, x);
        return Node.record("Exp", y, g -> new Tensor[] {mul(g, y)}, x);
    }

    /** d ln x/dx = 1/x. */
    public static Tensor log(Tensor x) {
        final Tensor y = unary(UnaryOp.LOG, x);
        return Node.record("Log", y, g -> new Tensor[] {Arithmetic.div(g, x)}, x);
    }

    /** d √x/dx = 1/(2√x). */
    public static Tensor sqrt(Tensor x) {
        final Tensor y = unary(UnaryOp.SQRT, x);
        return Node.record("Sqrt", y, g -> new Tensor[] {Arithmetic.div(mul(g, 0.5f), y)}, x);
    }

    /** d x^(−1/2)/dx = −½·x^(−3/2) = −½·y³. */
    public static Tensor rsqrt(Tensor x) {
        final Tensor y = unary(UnaryOp.RSQRT, x);
        return Node.record("Rsqrt", y, g -> new Tensor[] {mul(g, mul(mul(y, mul(y, y)), -0.5f))}, x);
    }

    /** d|x|/dx = sign(x), taken as 0 at 0 as PyTorch does. */
    public static Tensor abs(Tensor x) {
        final Tensor y = unary(UnaryOp.ABS, x);
        return Node.record("Abs", y, g -> {
            final Tensor zero = Tensor.scalar(0f);
            final Tensor sign = Arithmetic.sub(Backend.binary(BinaryOp.GT, x, zero), Backend.binary(BinaryOp.LT, x, zero));
            return new Tensor[] {mul(g, sign)};
        }, x);
    }

    /** d tanh x/dx = 1 − tanh²x. */
    public static Tensor tanh(Tensor x) {
        final Tensor y = unary(UnaryOp.TANH, x);
        return Node.record("Tanh", y, g -> new Tensor[] {mul(g, Arithmetic.sub(Tensor.scalar(1f), mul(y, y)))}, x);
    }

    /** d σ(x)/dx = σ(x)(1 − σ(x)). */
    public static Tensor sigmoid(Tensor x) {
        final Tensor y = unary(UnaryOp.SIGMOID, x);
        return Node.record("Sigmoid", y, g -> new Tensor[] {mul(g, mul(y, Arithmetic.sub(Tensor.scalar(1f), y)))}, x);
    }

    /** d erf x/dx = (2/√π)·e^(−x²). */
    public static Tensor erf(Tensor x) {
        final Tensor y = unary(UnaryOp.ERF, x);
        return Node.record("Erf", y, g -> new Tensor[] {mul(g, mul(exp(Arithmetic.neg(mul(x, x))), (float) (2 / Math.sqrt(Math.PI))))}, x);
    }

    /** x limited to [min, max]. Gradient: 1 inside the interval, 0 where x was clipped. */
    public static Tensor clamp(Tensor x, float min, float max) {
        if (min > max) throw new IllegalArgumentException("clamp: min " + min + " > max " + max);
        final Tensor y = Backend.unary(UnaryOp.CLAMP, x, min, max);
        return Node.record("Clamp", y, g -> {
            final Tensor inside = mul(Backend.binary(BinaryOp.GE, x, Tensor.scalar(min)), Backend.binary(BinaryOp.LE, x, Tensor.scalar(max)));
            return new Tensor[] {mul(g, inside)};
        }, x);
    }
}
