package sau.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The elementwise operations of one operand. Some take parameters: {@code POW} its exponent
 * {@code p}, {@code CLAMP} the bounds {@code [p, q]}.
 */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, RSQRT, ABS, TANH, SIGMOID, ERF, POW, CLAMP;

    float apply(float x, float p, float q) {
        return switch (this) {
            case NEG -> -x;
            case EXP -> Exp.exp(x);
            case LOG -> (float) Math.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case RSQRT -> (float) (1.0 / Math.sqrt(x));
            case ABS -> Math.abs(x);
            case TANH -> (float) Math.tanh(x);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
            case ERF -> Erf.erf(x);
            case POW -> (float) Math.pow(x, p);
            case CLAMP -> Float.isNaN(x) ? x : Math.min(Math.max(x, p), q);
        };
    }

    FloatVector apply(FloatVector x, float p, float q) {
        return switch (this) {
            case NEG -> x.neg();
            // EXP and SIGMOID share one call of Exp.exp. A loop that has seen both ops inlines
            // this method with every case it has seen; two copies of exp are past C2's budget,
            // and the one left out is called with every vector boxed (SIGMOID 2.5 times slower).
            // 1 / (1 + e^-x): e^-x overflows to +inf for x < -88, and 1/inf = 0 is the right limit.
            case EXP, SIGMOID -> {
                final boolean sigmoid = this == SIGMOID;
                final FloatVector e = Exp.exp(sigmoid ? x.neg() : x);
                yield sigmoid ? x.broadcast(1f).div(e.add(1f)) : e;
            }
            case LOG -> x.lanewise(VectorOperators.LOG);
            case SQRT -> x.sqrt();
            case RSQRT -> x.broadcast(1f).div(x.sqrt());
            case ABS -> x.abs();
            case TANH -> x.lanewise(VectorOperators.TANH);
            case ERF -> Erf.erf(x);
            case POW -> x.lanewise(VectorOperators.POW, p);
            case CLAMP -> x.max(p).min(q);
        };
    }
}
