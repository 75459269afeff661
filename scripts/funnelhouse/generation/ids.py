"""Vectorised construction of opaque, unique identifier strings as Arrow arrays.

Identifiers are derived from global sequence numbers through a bijective bit mixer, so they look
random but are unique by construction (no collision check needed) and deterministic.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_DEC = np.frombuffer(b"0123456789", dtype=np.uint8)


def scramble(values: np.ndarray, bits: int, key: int) -> np.ndarray:
    """Bijective mix of non-negative integers < 2**bits (multiply-xorshift rounds, mod 2**bits)."""
    if bits > 64 or bits % 2:
        raise ValueError("bits must be even and <= 64")
    mask = np.uint64((1 << bits) - 1) if bits < 64 else np.uint64(0xFFFFFFFFFFFFFFFF)
    half = np.uint64(bits // 2)
    x = np.asarray(values, dtype=np.uint64) & mask
    x = (x ^ np.uint64(key)) & mask
    for mult in (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9):
        x = (x * np.uint64(mult)) & mask  # odd multiplier: bijective mod 2**bits
        x = x ^ (x >> half)  # xorshift by half the width: bijective
    return x


def _strings_from_matrix(chars: np.ndarray) -> pa.StringArray:
    n, width = chars.shape
    offsets = np.arange(n + 1, dtype=np.int32) * np.int32(width)
    data = np.ascontiguousarray(chars, dtype=np.uint8)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def _with_prefix(prefix: str, body: np.ndarray) -> np.ndarray:
    p = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    head = np.broadcast_to(p, (body.shape[0], p.size))
    return np.concatenate([head, body], axis=1)


def hex_ids(prefix: str, values: np.ndarray, digits: int) -> pa.StringArray:
    """Strings ``prefix + lowercase hex of value``, zero-padded to ``digits`` characters."""
    v = np.asarray(values, dtype=np.uint64)
    shifts = np.arange(digits - 1, -1, -1, dtype=np.uint64) * np.uint64(4)
    nibbles = (v[:, None] >> shifts[None, :]) & np.uint64(0xF)
    return _strings_from_matrix(_with_prefix(prefix, _HEX[nibbles.astype(np.intp)]))


def decimal_ids(prefix: str, values: np.ndarray, digits: int) -> pa.StringArray:
    """Strings ``prefix + decimal value``, zero-padded to ``digits`` characters."""
    v = np.asarray(values, dtype=np.int64)
    powers = 10 ** np.arange(digits - 1, -1, -1, dtype=np.int64)
    decimals = (v[:, None] // powers[None, :]) % 10
    return _strings_from_matrix(_with_prefix(prefix, _DEC[decimals.astype(np.intp)]))


def with_nulls(array: pa.Array, valid: np.ndarray) -> pa.Array:
    """Replace entries where ``valid`` is False by null."""
    if bool(np.all(valid)):
        return array
    return pc.if_else(pa.array(valid), array, pa.scalar(None, array.type))
