"""Raw NMEA 0183 AIS logs -> records with canonical columns, ready for validation.

What a line may look like (all handled, mixed freely in one file):

* ``!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23`` (also ``!AIVDO``, any talker)
* IEC 61162-450 tag blocks: ``\\s:42809,c:1635731889,t:1635731965*6A\\!AIVDM,...``;
  ``c:`` (receiver time, UNIX seconds, or milliseconds when it has 13 digits) is the time.
* Gatehouse wrappers: a ``$PGHP,1,2008,5,9,0,0,0,10,...`` sentence gives the time of
  the AIS message that follows it (as pyais reads it; unlike pyais, a wrapper with a
  wrong checksum is quarantined and its time not used).
* A time before the sentence: ``2021-11-01T01:58:09Z !AIVDM,...`` or
  ``1635731889,!AIVDM,...`` (ISO 8601 or UNIX seconds, then a space, comma, semicolon
  or tab).

Multi-sentence messages are assembled by (sequence id, channel, fragment count), the
way pyais does; one *record* is one message, so a two-line type 5 counts once and
its ``raw`` keeps both lines. Blank lines, ``#`` comments and Gatehouse wrapper
sentences are not records. Every other line ends up in exactly one record, decoded
or carrying a reason (``checksum``, ``unparseable``, ``not_ais``, ``empty_payload``,
``undecodable``, ``incomplete_message``, ``bad_timestamp``).

Lines without any time: records get ``default_time`` when the caller gives one
(e.g. the file's recording time, ``--default-time`` in the CLI); otherwise their
``ts`` stays null and validation quarantines them as ``no_timestamp``.

Checksums are computed for a whole block at once with NumPy. Single-sentence
position reports (types 1, 2, 3, 18, 27) of standard length go straight to the
vectorised decoder in :mod:`.payload` without building pyais objects; everything
else (multi-sentence messages, 5, 19, 24, truncated payloads) is decoded by pyais,
which is also the reference the tests compare the fast path with. Blocks of lines
are decoded on all cores.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
from pyais import NMEAMessage
from pyais.exceptions import AISBaseException

from ..model.ais import CANONICAL, TEXT_COLUMNS, TIMESTAMP
from . import payload as fast

DECODED = pa.schema(
    [
        pa.field("_line_no", pa.int64()),
        pa.field("_raw", pa.string()),
        pa.field("_reason", pa.string()),
        pa.field("msg_type", pa.int16()),
        pa.field("mmsi", pa.int64()),
        pa.field("ts", TIMESTAMP),
        pa.field("lat", pa.float64()),
        pa.field("lon", pa.float64()),
        pa.field("speed_kn", pa.float64()),
        pa.field("course_deg", pa.float64()),
        pa.field("heading_deg", pa.float64()),
        pa.field("nav_status", pa.int16()),
        pa.field("imo", pa.int64()),
        pa.field("name", pa.string()),
        pa.field("call_sign", pa.string()),
        pa.field("ship_type", pa.int16()),
        pa.field("length_m", pa.float64()),
        pa.field("width_m", pa.float64()),
        pa.field("draught_m", pa.float64()),
        pa.field("destination", pa.string()),
    ]
)

#: Message types decoded into records; other types are recorded with their type and MMSI only.
DECODED_TYPES = frozenset({1, 2, 3, 5, 18, 19, 24, 27})
_STATIC_ATTRS = ("imo", "shipname", "callsign", "ship_type", "to_bow", "to_stern", "to_port", "to_starboard")
_US = 1_000_000
# Year 2200 in UNIX seconds: the latest time a receiver stamp can mean.
_MAX_UNIX_S = 7_258_118_400.0
#: Lines per block handed to a decoding process.
DECODE_BLOCK_LINES = 20_000


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to end this decode worker when the ingesting process dies (even by SIGKILL).

    A parent that died while this worker was still starting sends no signal: then
    the worker finds itself adopted and leaves at once.
    """
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pool still ends with a clean exit
        pass
    if os.getppid() != parent_pid:
        os._exit(1)


_NO_TIME = object()  # a time was present but could not be parsed


def _parse_time_us(text: bytes) -> int | None:
    """UNIX seconds (or ms with 13 digits) or ISO 8601 -> microseconds; None if not a time."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        pass
    else:
        if value > 1e11:  # milliseconds
            value /= 1000.0
        # inf, nan, 1e308 or twenty digits are no time of this world: bad, not a crash.
        if not (math.isfinite(value) and 0.0 <= value < _MAX_UNIX_S):
            return None
        return round(value * _US)
    try:
        parsed = datetime.fromisoformat(text.decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return round(parsed.timestamp() * _US)


def _tag_block_time(tag: bytes) -> int | None | object:
    """The ``c:`` receiver time of a tag block (None when absent, _NO_TIME when bad)."""
    for item in tag.split(b"*", 1)[0].split(b","):
        if item[:2] == b"c:":
            value = _parse_time_us(item[2:])
            return _NO_TIME if value is None else value
    return None


def split_line(line: bytes) -> tuple[bytes, int | None | object]:
    """(sentence, time) of a stripped line: the tag block or prefix time removed."""
    first = line[:1]
    if first == b"!" or first == b"$":
        return line, None
    if first == b"\\":
        end = line.find(b"\\", 1)
        if end < 0:
            return line, None
        return line[end + 1 :], _tag_block_time(line[1:end])
    cut = min((i for i in (line.find(b"!"), line.find(b"$"), line.find(b"\\")) if i > 0), default=-1)
    if cut < 0:
        return line, None
    sentence, tag_time = split_line(line[cut:])
    prefix = line[:cut].strip(b" \t,;|")
    prefix_time = _parse_time_us(prefix)
    if tag_time is not None:
        return sentence, tag_time
    return sentence, _NO_TIME if prefix_time is None else prefix_time


def _gatehouse_time(sentence: bytes) -> int | None:
    """Time of a ``$PGHP,1,...`` sentence in µs, None when malformed."""
    fields = sentence.split(b"*", 1)[0].split(b",")
    try:
        year, month, day, hour, minute, second, milli = (int(f) for f in fields[2:9])
        stamp = datetime(year, month, day, hour, minute, second, milli * 1000, tzinfo=UTC)
    except ValueError:
        return None
    return int(stamp.timestamp() * _US)


# Decoded columns: every canonical one but the time, numbers in NumPy buffers, text in
# lists after the raw line and the quarantine reason.
_TEXT = ("_raw", "_reason", *TEXT_COLUMNS)
_NUMERIC = tuple(name for name in CANONICAL if name != "ts" and name not in TEXT_COLUMNS)


class _Columns:
    """Columns of the records of one block: NumPy (NaN = null) for numbers, lists for text.

    At most one record per line, so ``capacity`` lines bound the arrays.
    """

    def __init__(self, capacity: int) -> None:
        self.num = {name: np.full(capacity, np.nan) for name in _NUMERIC}
        self.ts_us = np.zeros(capacity, dtype=np.int64)
        self.ts_valid = np.zeros(capacity, dtype=bool)
        self.line_no = np.zeros(capacity, dtype=np.int64)
        self.text: dict[str, list[str | None]] = {name: [] for name in _TEXT}
        self.n = 0

    def add(self, line_no: int, raw: bytes, reason: str | None, ts_us: int | None, msg_type: int | None) -> int:
        row = self.n
        self.line_no[row] = line_no
        self.text["_raw"].append(raw.decode("ascii", "replace"))
        self.text["_reason"].append(reason)
        for name in _TEXT[2:]:
            self.text[name].append(None)
        if ts_us is not None:
            self.ts_us[row] = ts_us
            self.ts_valid[row] = True
        if msg_type is not None:
            self.num["msg_type"][row] = msg_type
        self.n += 1
        return row

    def set(self, row: int, values: dict[str, Any]) -> None:
        for key, value in values.items():
            if value is None:
                continue
            if key in self.num:
                self.num[key][row] = value
            else:
                self.text[key][row] = value

    def table(self) -> pa.Table:
        n = self.n
        arrays: dict[str, pa.Array] = {
            "_line_no": pa.array(self.line_no[:n]),
            "ts": pa.array(self.ts_us[:n], mask=~self.ts_valid[:n]).cast(TIMESTAMP),
        }
        for name in _NUMERIC:
            values = self.num[name][:n]
            arrays[name] = pa.array(values, mask=np.isnan(values)).cast(DECODED.field(name).type)
        for name in _TEXT:
            arrays[name] = pa.array(self.text[name], pa.string())
        return pa.table([arrays[f.name] for f in DECODED], schema=DECODED)


def _dimension(a: Any, b: Any) -> float | None:
    total = (a or 0) + (b or 0)
    return float(total) if total else None


def _static_values(msg: Any) -> dict[str, Any]:
    """Static/voyage fields of a decoded pyais type 5, 19 or 24 message."""
    values = {a: getattr(msg, a, None) for a in _STATIC_ATTRS}
    ship_type = values["ship_type"]
    return {
        "imo": values["imo"] or None,
        "name": values["shipname"] or None,
        "call_sign": values["callsign"] or None,
        "ship_type": int(ship_type) if ship_type is not None else None,
        "length_m": _dimension(values["to_bow"], values["to_stern"]),
        "width_m": _dimension(values["to_port"], values["to_starboard"]),
        "draught_m": getattr(msg, "draught", None) or None,
        "destination": getattr(msg, "destination", None) or None,
    }


def _position_values(msg: Any) -> dict[str, Any]:
    """Position fields of a decoded pyais type 1/2/3/18/19/27 message."""
    status = getattr(msg, "status", None)
    heading = getattr(msg, "heading", None)
    return {
        "lat": float(msg.lat),
        "lon": float(msg.lon),
        "speed_kn": float(msg.speed) if msg.speed is not None else None,
        "course_deg": float(msg.course) if msg.course is not None else None,
        "heading_deg": float(heading) if heading is not None else None,
        "nav_status": int(status) if status is not None else None,
    }


def decode_message(msg: NMEAMessage) -> dict[str, Any]:
    """Canonical values of one assembled AIS message, decoded by pyais (the reference)."""
    decoded = msg.decode()
    values: dict[str, Any] = {"mmsi": int(decoded.mmsi)}
    if msg.ais_id in (1, 2, 3, 18, 19, 27):
        values.update(_position_values(decoded))
    if msg.ais_id in (5, 19, 24):
        values.update(_static_values(decoded))
    return values


CHECKSUM_OK, CHECKSUM_BAD, CHECKSUM_MISSING = 0, 1, 2
# 6-bit value of each armoured payload character (ITU-R M.1371 8.2.4); 64 = not armour.
_ARMOUR = [64] * 256
for _code in range(48, 120):
    if _code < 88 or _code > 95:
        _ARMOUR[_code] = _code - 48 if _code < 88 else _code - 56


def checksum_status(sentences: Sequence[bytes]) -> np.ndarray:
    """CHECKSUM_OK / _BAD / _MISSING per sentence, XOR-ing all sentences at once with NumPy.

    The checksum is the XOR of the characters between the leading ``!``/``$`` and ``*``.
    """
    n = len(sentences)
    status = np.full(n, CHECKSUM_MISSING, dtype=np.int8)
    expected = np.zeros(n, dtype=np.int16)
    bodies: list[bytes] = []
    rows: list[int] = []
    for i, sentence in enumerate(sentences):
        star = sentence.rfind(b"*")
        digits = sentence[star + 1 : star + 3]
        if star < 1 or len(digits) != 2:
            continue
        try:
            expected[i] = int(digits, 16)
        except ValueError:
            continue
        if star > 1:
            bodies.append(sentence[1:star])
            rows.append(i)
    if rows:
        data = np.frombuffer(b"".join(bodies), dtype=np.uint8)
        starts = np.cumsum([0] + [len(b) for b in bodies[:-1]])
        actual = np.bitwise_xor.reduceat(data, starts)
        index = np.asarray(rows)
        status[index] = np.where(actual == expected[index], CHECKSUM_OK, CHECKSUM_BAD)
    return status


def decode_lines(lines: Sequence[bytes], *, first_line_no: int = 1, default_time: datetime | None = None) -> pa.Table:
    """Decode a block of NMEA lines into records (DECODED schema), one per message.

    ``first_line_no`` is the file line number of ``lines[0]``. Multi-sentence
    messages must not straddle blocks (:func:`iter_blocks` cuts between messages).
    """
    cols = _Columns(len(lines))
    default_us = int(default_time.timestamp() * _US) if default_time is not None else None
    pending_time: int | None = None  # from a Gatehouse wrapper, for the next AIS message
    # (seq id, channel, fragment count) -> [line_no, time, [sentences], [raw lines]]
    buffer: dict[tuple[Any, str, int], list[Any]] = {}
    fast_rows: list[int] = []
    fast_payloads: list[bytes] = []
    fast_types: list[int] = []

    def flush_incomplete(entry: list[Any]) -> None:
        cols.add(entry[0], b"\n".join(entry[3]), "incomplete_message", None, None)

    def finish(line_no: int, raw: bytes, time: Any, msg: NMEAMessage) -> None:
        if time is _NO_TIME:
            cols.add(line_no, raw, "bad_timestamp", None, None)
            return
        ts_us = time if time is not None else default_us
        if not msg.payload:
            cols.add(line_no, raw, "empty_payload", ts_us, None)
            return
        ais_id = msg.ais_id
        row = cols.add(line_no, raw, None, ts_us, ais_id)
        if fast.standard_length(ais_id, msg.payload, msg.fill_bits):
            fast_rows.append(row)
            fast_payloads.append(msg.payload)
            fast_types.append(ais_id)
        elif ais_id in DECODED_TYPES:
            try:
                cols.set(row, decode_message(msg))
            except (AISBaseException, ValueError, IndexError, TypeError):
                cols.set(row, {"_reason": "undecodable"})
        else:  # kept by type (and sender, for the quarantine) only
            try:
                cols.set(row, {"mmsi": int(msg.decode().mmsi)})
            except (AISBaseException, ValueError, IndexError, TypeError):
                pass

    records: list[tuple[int, bytes, bytes, Any]] = []
    for offset, rawline in enumerate(lines):
        line = rawline.strip()
        if line and line[:1] != b"#":
            sentence, time = split_line(line)
            records.append((first_line_no + offset, line, sentence, time))
    checks = checksum_status([r[2] for r in records])

    for (line_no, line, sentence, time), check in zip(records, checks.tolist()):
        if sentence[:1] == b"$":
            if sentence[3:6] == b"GHP" or sentence[1:5] == b"PGHP":
                gh = _gatehouse_time(sentence) if check == CHECKSUM_OK else None
                if gh is None:
                    cols.add(line_no, line, "unparseable" if check != CHECKSUM_BAD else "checksum", None, None)
                else:
                    pending_time = gh
                continue
            cols.add(line_no, line, "not_ais", None, None)
            continue
        if sentence[:1] != b"!":
            cols.add(line_no, line, "unparseable", None, None)
            continue
        if sentence[3:6] not in (b"VDM", b"VDO"):
            cols.add(line_no, line, "not_ais", None, None)
            continue
        if check != CHECKSUM_OK:
            cols.add(line_no, line, "checksum" if check == CHECKSUM_BAD else "unparseable", None, None)
            continue
        fields = sentence.split(b",")
        if len(fields) == 7 and fields[1] == b"1" and fields[2] == b"1" and fields[5] and fields[6][:1].isdigit():
            # The common case, a single-sentence report, without building pyais objects.
            payload, fill = fields[5], fields[6][0] - 48
            ais_id = _ARMOUR[payload[0]]
            if fast.standard_length(ais_id, payload, fill):
                if time is None and pending_time is not None:
                    time, pending_time = pending_time, None
                if time is _NO_TIME:
                    cols.add(line_no, line, "bad_timestamp", None, None)
                    continue
                row = cols.add(line_no, line, None, time if time is not None else default_us, ais_id)
                fast_rows.append(row)
                fast_payloads.append(payload)
                fast_types.append(ais_id)
                continue
        try:
            msg = NMEAMessage(sentence)
        except (AISBaseException, ValueError, IndexError):
            cols.add(line_no, line, "unparseable", None, None)
            continue
        if msg.is_single:
            if time is None and pending_time is not None:
                time, pending_time = pending_time, None
            finish(line_no, line, time, msg)
            continue
        slot = (msg.seq_id, msg.channel, msg.frag_cnt)
        if msg.frag_num == 1:
            if slot in buffer:
                flush_incomplete(buffer.pop(slot))
            if time is None and pending_time is not None:
                time, pending_time = pending_time, None
            buffer[slot] = [line_no, time, [msg], [line]]
            continue
        entry = buffer.get(slot)
        if entry is None or len(entry[2]) + 1 != msg.frag_num:
            cols.add(line_no, line, "incomplete_message", None, None)
            continue
        entry[2].append(msg)
        entry[3].append(line)
        if entry[1] is None and time is not None:
            entry[1] = time
        if msg.frag_num == msg.frag_cnt:
            del buffer[slot]
            whole = NMEAMessage.assemble_from_iterable(entry[2])
            finish(entry[0], b"\n".join(entry[3]), entry[1], whole)
    for entry in buffer.values():
        flush_incomplete(entry)

    if fast_rows:
        rows = np.asarray(fast_rows)
        decoded = fast.decode_positions(fast_payloads, fast_types)
        for name, values in decoded.items():
            if name != "ok":
                cols.num[name][rows] = values
        for row in rows[~decoded["ok"]].tolist():
            cols.text["_reason"][row] = "undecodable"
    return cols.table().sort_by("_line_no")


def _continues(line: bytes) -> bool:
    """True when ``line`` must stay in the block of the line before it.

    That is a fragment after the first of a multi-sentence message. Cheap on
    purpose: only the fragment-number field is looked at.
    """
    bang = line.find(b"!")
    if bang < 0:
        return False
    fields = line[bang : bang + 16].split(b",", 3)
    return len(fields) > 2 and fields[2] not in (b"1", b"")


def iter_blocks(fh: BinaryIO, *, block_lines: int) -> Iterator[tuple[int, list[bytes]]]:
    """``(first_line_no, lines)`` blocks of about ``block_lines`` lines from ``fh``.

    A block never ends inside a multi-sentence message or right after a Gatehouse
    wrapper, so blocks decode independently (and in parallel).
    """
    block: list[bytes] = []
    first = 1
    for line in fh:
        if len(block) >= block_lines and not _continues(line) and not block[-1].lstrip().startswith(b"$PGHP"):
            yield first, block
            first += len(block)
            block = []
        block.append(line)
    if block:
        yield first, block


def _decode_block(args: tuple[int, list[bytes], datetime | None]) -> pa.Table:
    first, lines, default_time = args
    return decode_lines(lines, first_line_no=first, default_time=default_time)


def worker_count(workers: int) -> int:
    """Processes for NMEA decoding: ``workers``, or every core when 0."""
    return workers if workers > 0 else (os.cpu_count() or 1)


def decode_stream(
    fh: BinaryIO,
    *,
    block_lines: int,
    workers: int = 0,
    default_time: datetime | None = None,
    in_flight: int = 0,
) -> Iterator[pa.Table]:
    """Decode an NMEA byte stream block by block, in order, on ``workers`` processes.

    At most ``in_flight`` blocks (default: two per worker) are submitted ahead of
    the consumer, so memory follows ``in_flight * block_lines``; a consumer that
    works on bigger chunks should allow that many lines ahead to keep the workers
    busy meanwhile. A file that fits in one block is decoded in this process.
    """
    blocks = iter_blocks(fh, block_lines=block_lines)
    first_two = list(itertools.islice(blocks, 2))
    n = worker_count(workers)
    if len(first_two) < 2 or n == 1:
        for first, lines in itertools.chain(first_two, blocks):
            yield _decode_block((first, lines, default_time))
        return
    # spawn, not fork: the parent holds DuckDB and Arrow thread pools.
    ahead = max(in_flight, 2 * n)
    with ProcessPoolExecutor(
        max_workers=n,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        pending: deque[Future[pa.Table]] = deque()
        for first, lines in itertools.chain(first_two, blocks):
            pending.append(pool.submit(_decode_block, (first, lines, default_time)))
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
