"""``neuralab export``: a saved model as ONNX, for onnxruntime and every other ONNX runtime."""

from __future__ import annotations

from neuralab.cli.common import add_command, architecture, format_table, n_parameters

__all__ = ["add_parser", "run"]

FORMATS = ("onnx",)


def add_parser(subparsers):
    """Add the ``export`` subcommand to ``subparsers``; return its parser."""
    parser = add_command(
        subparsers, "export", "write a saved model as ONNX",
        "Convert a model saved by 'neuralab train' (a .safetensors file) to ONNX: one Gemm "
        "per Dense layer followed by its activation, the output activation included, with a "
        "dynamic batch dimension, opset 21 and IR version 10. Input 'input' (batch, "
        "features), output 'output' (batch, outputs), as net.predict gives. Needs the onnx "
        "package: pip install 'neuralab[onnx]'.",
        "neuralab export model.safetensors --format onnx --out model.onnx")
    parser.add_argument("model", metavar="MODEL", help="a .safetensors file written by train")
    parser.add_argument("--format", choices=FORMATS, default="onnx",
                        help="the format to write")
    parser.add_argument("--out", metavar="FILE",
                        help="where to write (default: MODEL with the suffix .onnx)")
    return parser


def _default_out(model: str) -> str:
    stem = model[: -len(".safetensors")] if model.endswith(".safetensors") else model
    return f"{stem}.onnx"


def run(args) -> int:
    """Load the model, write the ONNX file, print what was written; return 0."""
    from neuralab import load, safefile
    from neuralab.export import IR_VERSION, OPSET, to_onnx

    out = args.out or _default_out(args.model)
    safefile.check_writable(out, "output file")
    net = load(args.model)
    to_onnx(net, out)
    print(format_table([
        ["model", f"{args.model}: {architecture(net)}, {n_parameters(net)} parameters"],
        ["onnx", f"opset {OPSET}, IR version {IR_VERSION}, {net.dtype.name}"],
        ["input", f"'input' (batch, {net.n_inputs})"],
        ["output", f"'output' (batch, {net.n_outputs})"],
        ["saved to", out],
    ]))
    return 0
