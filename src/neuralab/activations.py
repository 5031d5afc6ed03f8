"""Activation functions: each one a small class with its derivative beside its formula.

Every activation has one signature per method, whatever it needs:

- ``forward(z, out=None) -> a``: f(z) elementwise (softmax: along the last axis).
- ``derivative(z) -> f′(z)``: elementwise; softmax has no elementwise derivative and raises.
- ``backward(z, a, grad_a, out=None) -> ∂C/∂z``: given ∂C/∂a, the gradient reaching z. For an
  elementwise f it is ``grad_a * f′(z)``; for softmax the Jacobian-vector product.

``z`` is the pre-activation (any shape; batch-major ``(n_samples, n_units)`` in a network),
``a = forward(z)`` the cached output. ``out`` may be given to write into an existing array of the
right shape, and may be ``z`` itself (forward) or ``grad_a`` itself (backward) to work in place.
float32 in gives float32 out. Every function is safe for every finite input: no overflow, no NaN,
no RuntimeWarning. Definitions, defaults and the values at kinks follow
``torch.nn.functional`` (https://pytorch.org/docs/stable/nn.functional.html).

Class attributes read by the lab and the diagnostics:

- ``name``: the registered name; ``get(name)`` gives the activation back.
- ``output_range``: the range of f as a short string, e.g. ``"(0, 1)"``.
- ``zero_centred``: True when f of a standard-normal input has mean 0.
- ``saturation``: how f′ dies out as |z| grows. "soft": f′(z) → 0 as |z| → ∞ but is never 0;
  "hard": f′(z) = 0 exactly beyond some constant c; "none": f′ keeps away from 0. "(left)" means
  only for z → −∞ (the right side does not saturate).
- ``max_derivative``: sup |f′(z)| (None for softmax).
- ``uses_output``: True when ``backward`` reads the cached output ``a`` instead of ``z``.

``scipy.special`` (always installed with scikit-learn) provides erfc for the exact GELU; it is
imported the first time a GELU is computed, so that ``import neuralab`` does not load SciPy.
"""

from __future__ import annotations

import math

import numpy as np

from neuralab import checks
from neuralab.registry import Registry

__all__ = [
    "Activation", "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "SELU", "Softplus",
    "GELU", "GELUTanh", "SiLU", "Softsign", "Softmax", "REGISTRY", "get", "names",
]  # fmt: skip


def _as_float(x) -> np.ndarray:
    """``x`` as a floating ndarray: float arrays pass through untouched, anything else → float64."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def _buffer(out, shape, dtype) -> np.ndarray:
    """A fresh array for the result, or ``out`` after checking that it can hold it."""
    if out is None:
        return np.empty(shape, dtype=dtype)
    if not isinstance(out, np.ndarray) or out.shape != shape:
        got = getattr(out, "shape", type(out).__name__)
        raise ValueError(f"out must be an ndarray of shape {shape}, got {got}")
    return out


def _sigmoid(z, out):
    """σ(z) = 1 / (1 + e^(−z)) into ``out`` (which may be ``z``).

    For very negative z, e^(−z) overflows to +inf and 1 / (1 + inf) = 0, where the true σ(z) is
    below the smallest normal float anyway. That one overflow is expected and silenced here;
    every other step is a correctly rounded ufunc, so σ keeps full relative precision in both
    tails, with no branch (masks would cost more than the arithmetic).
    """
    with np.errstate(over="ignore"):
        np.negative(z, out=out)
        np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


class Activation:
    """Base class: checks and allocates, then calls the subclass's ``_forward``/``_derivative``.

    A subclass writes ``_forward(z, out)`` and ``_derivative(z, out)`` (each fills ``out`` and
    returns it) and overrides ``_backward(z, a, grad_a, out)`` when it can do better than the
    default ``grad_a * f′(z)``. Constructor parameters are listed in ``_params``.
    """

    name = ""
    output_range = "(-inf, inf)"
    zero_centred = False
    saturation = "none"
    max_derivative: float | None = 1.0
    uses_output = False
    _params: tuple[str, ...] = ()

    def forward(self, z, out=None) -> np.ndarray:
        """a = f(z), a new array of z's shape and dtype, or written into ``out`` (may be ``z``)."""
        # the checks are written inline (no helper call when all is well): fit calls this for
        # every layer of every batch
        if type(z) is not np.ndarray or z.dtype.kind != "f":
            z = _as_float(z)
        if out is None or type(out) is not np.ndarray or out.shape != z.shape:
            out = _buffer(out, z.shape, z.dtype)
        return self._forward(z, out)

    def derivative(self, z) -> np.ndarray:
        """f′(z) elementwise, a new array of z's shape and dtype."""
        z = _as_float(z)
        return self._derivative(z, np.empty_like(z))

    def backward(self, z, a, grad_a, out=None) -> np.ndarray:
        """∂C/∂z from ∂C/∂a = ``grad_a`` (shape of z); ``out`` may be ``grad_a`` (in place).

        ``a`` (= forward(z)) is read only when ``uses_output`` is True, and recomputed if None.
        """
        if type(z) is not np.ndarray or z.dtype.kind != "f":
            z = _as_float(z)
        if type(grad_a) is not np.ndarray or grad_a.dtype.kind != "f":
            grad_a = _as_float(grad_a)
        if grad_a.shape != z.shape:
            raise ValueError(f"grad_a has shape {grad_a.shape}, expected z's shape {z.shape}")
        if self.uses_output:
            a = self.forward(z) if a is None else _as_float(a)
        if out is None or type(out) is not np.ndarray or out.shape != z.shape:
            out = _buffer(out, z.shape, np.result_type(z, grad_a))
        return self._backward(z, a, grad_a, out)

    def _forward(self, z, out):
        """Write f(z) into ``out`` and return it (each activation writes its own)."""
        raise NotImplementedError

    def _derivative(self, z, out):
        """Write f′(z) into ``out`` and return it (each activation writes its own)."""
        raise NotImplementedError

    def _backward(self, z, a, grad_a, out):
        """∂C/∂z = ∂C/∂a ⊙ f′(z) into ``out``; overridden where ``a`` gives f′ more cheaply."""
        return np.multiply(grad_a, self._derivative(z, np.empty_like(z)), out=out)

    def get_config(self) -> dict:
        """The constructor arguments: ``type(act)(**act.get_config())`` rebuilds ``act``."""
        return {p: getattr(self, p) for p in self._params}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.get_config() == other.get_config()

    def __hash__(self) -> int:
        return hash((type(self), tuple(self.get_config().items())))


class Identity(Activation):
    """Identity (linear): f(z) = z, f′(z) = 1.

    Range (−∞, ∞), zero-centred, no saturation. Without a nonlinearity a stack of layers is one
    linear map (claim C2); use it for regression outputs.
    """

    name = "identity"
    zero_centred = True

    def _forward(self, z, out):
        np.copyto(out, z)
        return out

    def _derivative(self, z, out):
        out.fill(1)
        return out

    def _backward(self, z, a, grad_a, out):
        np.copyto(out, grad_a)
        return out


class Sigmoid(Activation):
    """Logistic sigmoid: σ(z) = 1 / (1 + e^(−z)), σ′(z) = σ(z)(1 − σ(z)).

    Range (0, 1), read as a probability; not zero-centred (mean 0.5 near z = 0, claim C5).
    Saturates softly on both sides: σ′ → 0 as |z| → ∞, and σ′ ≤ 1/4 everywhere, so every sigmoid
    layer shrinks the backward gradient at least 4× (claims C3, C4). ``backward`` reads the
    cached output: σ′ = a(1 − a), exact and cheaper than recomputing exp.
    """

    name = "sigmoid"
    output_range = "(0, 1)"
    saturation = "soft"
    max_derivative = 0.25
    uses_output = True

    def _forward(self, z, out):
        return _sigmoid(z, out)

    def _derivative(self, z, out):
        _sigmoid(z, out)
        return np.multiply(out, 1 - out, out=out)

    def _backward(self, z, a, grad_a, out):
        slope = np.subtract(1, a)
        slope *= a
        return np.multiply(grad_a, slope, out=out)


class Tanh(Activation):
    """Hyperbolic tangent: f(z) = (e^z − e^(−z)) / (e^z + e^(−z)), f′(z) = 1 − tanh²(z).

    Range (−1, 1), zero-centred (claim C6); saturates softly on both sides, f′ ≤ 1. tanh(z) =
    2σ(2z) − 1: a rescaled sigmoid. ``backward`` reads the cached output: f′ = 1 − a².
    """

    name = "tanh"
    output_range = "(-1, 1)"
    zero_centred = True
    saturation = "soft"
    uses_output = True

    def _forward(self, z, out):
        return np.tanh(z, out=out)

    def _derivative(self, z, out):
        np.tanh(z, out=out)
        np.square(out, out=out)
        return np.subtract(1, out, out=out)

    def _backward(self, z, a, grad_a, out):
        slope = np.square(a)
        np.subtract(1, slope, out=slope)
        return np.multiply(grad_a, slope, out=out)


class ReLU(Activation):
    """Rectified linear unit: f(z) = max(z, 0); f′(z) = 1 for z > 0, 0 for z ≤ 0 (relu′(0) = 0).

    Range [0, ∞), not zero-centred. Saturates hard on the left (f′ = 0 for every z < 0) and not at
    all on the right, so the gradient passes unchanged through active units (claim C7); a unit
    whose z stays negative for every input never updates again: a dead unit (claim C8).
    Reference: Nair & Hinton (2010); Glorot, Bordes & Bengio (2011).
    """

    name = "relu"
    output_range = "[0, inf)"
    saturation = "hard (left)"

    def _forward(self, z, out):
        return np.maximum(z, 0, out=out)

    def _derivative(self, z, out):
        return np.greater(z, 0, out=out)

    def _backward(self, z, a, grad_a, out):
        return np.multiply(grad_a, z > 0, out=out)


class LeakyReLU(Activation):
    """Leaky ReLU: f(z) = z for z > 0, s·z otherwise; f′(z) = 1 for z > 0, s for z ≤ 0.

    ``negative_slope`` s defaults to 0.01 (as torch); f′(0) = s (torch's convention). Range
    (−∞, ∞) for s > 0, not zero-centred; never saturates, so no unit can die (the remedy for
    claim C8). Since f is linear on each side, f(z) = z·f′(z). Reference: Maas et al. (2013).
    """

    name = "leaky_relu"
    saturation = "none"
    _params = ("negative_slope",)

    def __init__(self, negative_slope=0.01):
        self.negative_slope = checks.real(negative_slope, "LeakyReLU negative_slope")
        self.max_derivative = max(1.0, abs(self.negative_slope))

    def _forward(self, z, out):
        return np.multiply(z, self._derivative(z, np.empty_like(z)), out=out)

    def _derivative(self, z, out):
        np.less_equal(z, 0, out=out)
        out *= self.negative_slope
        return np.add(out, z > 0, out=out)  # exactly s where z ≤ 0 and 1 where z > 0


class ELU(Activation):
    """Exponential linear unit: f(z) = z for z > 0, α(e^z − 1) for z ≤ 0.

    f′(z) = 1 for z > 0, α·e^z for z ≤ 0 (so f′(0) = α, torch's convention). ``alpha`` α
    defaults to 1. Range (−α, ∞); negative outputs pull the mean towards 0 but it is not
    zero-centred. Saturates softly on the left (f′ → 0 as z → −∞), not on the right.
    Computed as max(z, 0) + α·expm1(min(z, 0)), which cannot overflow.
    Reference: Clevert, Unterthiner & Hochreiter (2016).
    """

    name = "elu"
    saturation = "soft (left)"
    _params: tuple[str, ...] = ("alpha",)
    _scale = 1.0

    def __init__(self, alpha=1.0):
        self.alpha = checks.real(alpha, f"{type(self).__name__} alpha")
        self.output_range = f"({-self._scale * self.alpha:.6g}, inf)"
        self.max_derivative = self._scale * max(1.0, abs(self.alpha))

    def _forward(self, z, out):
        negative_part = np.minimum(z, 0)
        np.expm1(negative_part, out=negative_part)
        negative_part *= self.alpha
        np.maximum(z, 0, out=out)
        out += negative_part
        if self._scale != 1:
            out *= self._scale
        return out

    def _derivative(self, z, out):
        np.minimum(z, 0, out=out)
        np.exp(out, out=out)
        out *= self.alpha
        np.multiply(out, z <= 0, out=out)
        np.add(out, z > 0, out=out)  # exactly α·e^z where z ≤ 0 and 1 where z > 0
        if self._scale != 1:
            out *= self._scale
        return out


class SELU(ELU):
    """Scaled ELU: f(z) = λ·z for z > 0, λα(e^z − 1) for z ≤ 0, with fixed λ ≈ 1.0507, α ≈ 1.6733.

    f′(z) = λ for z > 0, λα·e^z for z ≤ 0 (f′(0) = λα ≈ 1.7581, torch's convention). The constants
    make a standard-normal input give an output of mean 0 and variance 1, so it is zero-centred
    and deep stacks keep their scale ("self-normalising"). Range (−λα, ∞); soft saturation on the
    left. Reference: Klambauer et al., "Self-Normalizing Neural Networks" (2017).
    """

    name = "selu"
    zero_centred = True
    _params = ()
    _scale = 1.0507009873554804934193349852946

    def __init__(self):
        super().__init__(alpha=1.6732632423543772848170429916717)


class Softplus(Activation):
    """Softplus: f(z) = (1/β)·ln(1 + e^(βz)), f′(z) = σ(βz); linear where βz > threshold.

    Defaults β = 1, threshold = 20. Where βz > threshold f reverts to f(z) = z with f′ = 1
    exactly, as torch does (same test). A smooth ReLU: range (0, ∞), not zero-centred, soft
    saturation on the left, none on the right. The logarithm is computed as
    max(x, 0) + log1p(e^(−|x|)) with x = βz, which never overflows.
    Reference: Dugas et al. (2001).
    """

    name = "softplus"
    output_range = "(0, inf)"
    saturation = "soft (left)"
    _params = ("beta", "threshold")

    def __init__(self, beta=1.0, threshold=20.0):
        self.beta = checks.real(beta, "Softplus beta", minimum=0, include_minimum=False)
        self.threshold = checks.real(threshold, "Softplus threshold")

    def _scaled(self, z):
        with np.errstate(over="ignore"):  # β·z may round to ±inf for β > 1; both cases handled
            return np.multiply(z, self.beta)

    def _forward(self, z, out):
        x = self._scaled(z)
        linear = x > self.threshold
        np.minimum(x, self.threshold, out=x)  # the soft branch is only kept where x ≤ threshold
        soft = np.abs(x)
        np.negative(soft, out=soft)
        np.exp(soft, out=soft)
        np.log1p(soft, out=soft)
        soft += np.maximum(x, 0, out=x)
        soft /= self.beta
        np.multiply(soft, ~linear, out=soft)  # select by multiplying with 0/1: exact, and
        np.multiply(z, linear, out=out)  # faster than a masked copy
        out += soft
        return out

    def _derivative(self, z, out):
        x = self._scaled(z)
        _sigmoid(x, out)
        return np.maximum(out, x > self.threshold, out=out)  # σ ≤ 1, so this sets 1 there


_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class GELU(Activation):
    """Gaussian error linear unit, exact: f(z) = z·Φ(z), Φ(z) = ½(1 + erf(z/√2)).

    f′(z) = Φ(z) + z·φ(z), with φ(z) = e^(−z²/2)/√(2π) the normal density (f′(0) = ½). Range
    [≈ −0.170, ∞) with the minimum at z ≈ −0.752; not zero-centred; soft saturation on the left,
    none on the right; sup f′ = f′(√2) ≈ 1.1289. Φ is computed as ½·erfc(−z/√2) with
    ``scipy.special.erfc``: the same function as torch's erf form, but precise for z ≪ 0 too.
    Reference: Hendrycks & Gimpel, "Gaussian Error Linear Units" (2016).
    """

    name = "gelu"
    output_range = "[-0.17, inf)"
    saturation = "soft (left)"
    max_derivative = 1.128904145

    def _forward(self, z, out):
        cdf = _normal_cdf(z)
        return np.multiply(z, cdf, out=out)

    def _derivative(self, z, out):
        clipped = np.clip(z, -40, 40)  # φ(±40) underflows to 0 anyway; (±40)² cannot overflow
        pdf = np.square(clipped)
        pdf *= -0.5
        np.exp(pdf, out=pdf)
        pdf *= _INV_SQRT_2PI
        np.multiply(z, pdf, out=pdf)
        np.copyto(out, _normal_cdf(z))
        out += pdf
        return out


def _normal_cdf(z):
    """Φ(z) = ½·erfc(−z/√2), a new array of z's dtype."""
    # Imported here, not at the top: SciPy takes a large part of a second to load, and only
    # the exact GELU needs it (after the first call this is a dictionary lookup).
    from scipy import special

    cdf = np.multiply(z, -_SQRT_HALF)
    special.erfc(cdf, out=cdf)
    cdf *= 0.5
    return cdf


_TANH_SCALE = math.sqrt(2.0 / math.pi)
_TANH_CUBIC = 0.044715


class GELUTanh(Activation):
    """GELU, tanh approximation: f(z) = ½z(1 + tanh(u)), u = √(2/π)(z + 0.044715z³).

    f′(z) = ½(1 + tanh u) + ½z(1 − tanh²u)·u′, u′ = √(2/π)(1 + 3·0.044715z²) (f′(0) = ½): torch's
    ``gelu(approximate="tanh")``. Range [≈ −0.1700, ∞); soft saturation on the left; sup f′ ≈
    1.1290. Computed through ½(1 + tanh u) = σ(2u), so f = z·σ(2u) and f′ = s + z·s(1 − s)·2u′
    with s = σ(2u): the same function without the cancellation in 1 + tanh u for z ≪ 0. Inside u,
    z is clipped to [−25, 25]: there |2u| > 1100 and s is already exactly 0 or 1 (and z³ cannot
    overflow). Reference: Hendrycks & Gimpel (2016).
    """

    name = "gelu_tanh"
    output_range = "[-0.1701, inf)"
    saturation = "soft (left)"
    max_derivative = 1.128993069

    def _forward(self, z, out):
        s = self._two_u(np.clip(z, -25, 25))
        _sigmoid(s, out=s)
        return np.multiply(z, s, out=out)

    def _derivative(self, z, out):
        z = np.clip(z, -25, 25)  # f′ beyond ±25 equals f′(±25): s(1 − s) is exactly 0 there
        s = self._two_u(z)
        _sigmoid(s, out=s)
        np.square(z, out=out)
        out *= 3 * _TANH_CUBIC
        out += 1
        out *= 2 * _TANH_SCALE  # 2u′
        out *= z
        out *= s
        out *= 1 - s
        out += s
        return out

    @staticmethod
    def _two_u(z):
        """2u = 2√(2/π)(z + 0.044715z³) for an already clipped z, a new array."""
        two_u = np.square(z)
        two_u *= _TANH_CUBIC
        two_u += 1
        two_u *= z
        two_u *= 2 * _TANH_SCALE
        return two_u


class SiLU(Activation):
    """Sigmoid linear unit (swish): f(z) = z·σ(z), f′(z) = σ(z)(1 + z(1 − σ(z))).

    f′(0) = ½. Range [≈ −0.2785, ∞), minimum at z ≈ −1.278; not zero-centred; soft saturation on
    the left, none on the right; sup f′ ≈ 1.0998 at z ≈ 2.40. Uses the overflow-free sigmoid.
    References: Elfwing, Uchibe & Doya (2018); Ramachandran, Zoph & Le, "Swish" (2017).
    """

    name = "silu"
    output_range = "[-0.2785, inf)"
    saturation = "soft (left)"
    max_derivative = 1.099839320

    def _forward(self, z, out):
        sig = _sigmoid(z, np.empty_like(z))
        return np.multiply(z, sig, out=out)

    def _derivative(self, z, out):
        sig = _sigmoid(z, np.empty_like(z))
        np.subtract(1, sig, out=out)
        out *= z
        out += 1
        out *= sig
        return out


class Softsign(Activation):
    """Softsign: f(z) = z / (1 + |z|), f′(z) = 1 / (1 + |z|)².

    Range (−1, 1), zero-centred, f′(0) = 1. Saturates softly on both sides, but only
    polynomially (f′ ~ 1/z²), far more slowly than tanh (f′ ~ 4e^(−2|z|)).
    Reference: Bergstra et al. (2009).
    """

    name = "softsign"
    output_range = "(-1, 1)"
    zero_centred = True
    saturation = "soft"

    def _forward(self, z, out):
        denominator = np.abs(z)
        denominator += 1
        return np.divide(z, denominator, out=out)

    def _derivative(self, z, out):
        np.abs(z, out=out)
        out += 1
        np.reciprocal(out, out=out)
        return np.square(out, out=out)  # (1/(1 + |z|))², never (1 + |z|)², which could overflow


class Softmax(Activation):
    """Softmax over the last axis: aᵢ = e^(zᵢ) / Σⱼ e^(zⱼ).

    Each row of a is a probability vector: range (0, 1), rows sum to 1. Its derivative is not
    elementwise but a Jacobian per row, ∂aᵢ/∂zⱼ = aᵢ(δᵢⱼ − aⱼ), so ``derivative`` raises and
    ``backward`` returns the Jacobian-vector product a ⊙ (g − Σⱼ gⱼaⱼ) for g = ``grad_a``; it
    reads the cached output. Stable: the row maximum is subtracted before exp (softmax is
    unchanged by a shift), so exp never overflows. Reference: Bridle (1990).
    """

    name = "softmax"
    output_range = "(0, 1)"
    saturation = "soft"
    max_derivative = None
    uses_output = True

    def _forward(self, z, out):
        if z.ndim == 0:
            raise ValueError("softmax needs an array with at least one axis, got a scalar")
        row_max = z.max(axis=-1, keepdims=True)
        with np.errstate(over="ignore"):  # z − max ≤ 0; a gap beyond the float range gives −inf
            np.subtract(z, row_max, out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=-1, keepdims=True)
        return out

    def _derivative(self, z, out):
        raise TypeError(
            "softmax has no elementwise derivative (its Jacobian couples a row's entries); "
            "use backward(z, a, grad_a) for the gradient"
        )

    def _backward(self, z, a, grad_a, out):
        weighted = np.multiply(grad_a, a)
        row_sum = weighted.sum(axis=-1, keepdims=True)
        np.subtract(grad_a, row_sum, out=out)
        return np.multiply(out, a, out=out)


#: Every activation by name (see :mod:`neuralab.registry`); ``get`` and ``names`` read it, and
#: ``REGISTRY.canonical("Swish")`` gives the registered name "silu".
REGISTRY = Registry("activation", base=Activation, default="identity")
REGISTRY.register("identity", Identity, aliases=("linear",))
REGISTRY.register("sigmoid", Sigmoid, aliases=("logistic",))
REGISTRY.register("tanh", Tanh)
REGISTRY.register("relu", ReLU)
REGISTRY.register("leaky_relu", LeakyReLU)
REGISTRY.register("elu", ELU)
REGISTRY.register("selu", SELU)
REGISTRY.register("softplus", Softplus)
REGISTRY.register("gelu", GELU)
REGISTRY.register("gelu_tanh", GELUTanh)
REGISTRY.register("silu", SiLU, aliases=("swish",))
REGISTRY.register("softsign", Softsign)
REGISTRY.register("softmax", Softmax)


def names() -> list[str]:
    """The canonical activation names, sorted (aliases not included)."""
    return REGISTRY.names()


def get(identifier=None, **params) -> Activation:
    """An Activation from None (identity), a name, a class or an instance.

    The rules of :mod:`neuralab.registry`: names are case-insensitive and ``-`` equals ``_``
    ("Leaky-ReLU" is "leaky_relu"), aliases ``linear``, ``logistic``, ``swish``. ``params`` go
    to the constructor of a named or given class: ``get("leaky_relu", negative_slope=0.2)``.
    An instance is returned as it is. Anything else raises ValueError listing the known names.
    """
    return REGISTRY.get(identifier, **params)
