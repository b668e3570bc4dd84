#!/usr/bin/python3
"""Checks ONNX files with onnx.checker.check_model(full_check=True) (strict shape inference included).
Prints one line per file: "ok PATH" or "fail PATH: message"; exit status 3 when the onnx package is missing."""
import sys

try:
    import onnx
except ImportError as e:
    print(f"no onnx package: {e}")
    sys.exit(3)

failed = False
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        print(f"ok {path}")
    except Exception as e:  # noqa: BLE001 - every checker error is a failure to report
        failed = True
        print(f"fail {path}: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
sys.exit(1 if failed else 0)
