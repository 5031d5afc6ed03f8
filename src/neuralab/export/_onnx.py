"""The optional ``onnx`` package, imported when an export needs it (extra ``neuralab[onnx]``)."""

from __future__ import annotations

import importlib

__all__ = ["require"]

INSTALL_HINT = "pip install 'neuralab[onnx]' (onnx and onnxruntime)"


def require(module: str = "onnx"):
    """Import and return ``module`` (onnx, onnxruntime, skl2onnx), or ImportError saying how
    to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        package = module.split(".")[0]
        hint = INSTALL_HINT if package in ("onnx", "onnxruntime") else f"pip install {package}"
        raise ImportError(f"ONNX export needs the {package} package: {hint}") from error
