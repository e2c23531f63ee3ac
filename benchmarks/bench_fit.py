"""How fast heavylegs decodes FIT files, next to the peers, measured in one run.

Usage: ``.venv/bin/python benchmarks/bench_fit.py [--rounds N] [--corpus DIR]``

Every distinct FIT file of the shared corpus is loaded into memory first. A file counts
only if every decoder reads it without error (the set is printed), so each decoder does
the same work. Each round decodes every file once with each decoder; the table shows the
median MB/s over the rounds and heavylegs' speed as a multiple of each peer's.
Peers: the official Garmin SDK (``garmin_fit_sdk``), ``fitdecode`` and, where installed,
``fitfast.records`` (Rust). Cold start (a new interpreter importing the decoder and
decoding one file) is measured in a subprocess. No pass/fail: numbers only.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"

Decoder = Callable[[bytes], object]


def heavylegs_decode(data: bytes) -> object:
    from heavylegs.importers.fastfit import decode

    return decode(data)


def sdk_decode(data: bytes) -> object:
    from garmin_fit_sdk import Decoder, Stream

    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    if errors:
        raise RuntimeError(errors[0])
    return messages


def fitdecode_decode(data: bytes) -> object:
    import fitdecode

    with fitdecode.FitReader(io.BytesIO(data)) as reader:
        return sum(1 for _ in reader)


def fitfast_decode(data: bytes) -> object:
    import fitfast

    return fitfast.records(data)


def decoders() -> dict[str, Decoder]:
    found: dict[str, Decoder] = {"heavylegs": heavylegs_decode}
    found["garmin_fit_sdk"] = sdk_decode
    found["fitdecode"] = fitdecode_decode
    try:
        import fitfast  # noqa: F401

        found["fitfast.records"] = fitfast_decode
    except ImportError:
        print("fitfast not installed: `pip install fitfast` to compare with it")
    return found


def load_corpus(corpus: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    seen: set[str] = set()
    for path in sorted(corpus.rglob("*")):
        if path.suffix.lower() == ".fit" and path.is_file():
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if digest not in seen:
                seen.add(digest)
                files[str(path.relative_to(corpus))] = data
    return files


def reads(decode: Decoder, data: bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            decode(data)
    except BaseException as exc:  # fitfast panics raise a BaseException subclass
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return False
    return True


def common_set(files: dict[str, bytes], decs: dict[str, Decoder]) -> dict[str, bytes]:
    common = {}
    for name, data in files.items():
        failed = [d for d, decode in decs.items() if not reads(decode, data)]
        if failed:
            print(f"  left out {name}: fails in {', '.join(failed)}")
        else:
            common[name] = data
    return common


def time_rounds(decs: dict[str, Decoder], datas: list[bytes], rounds: int, mb: float):
    """Seconds per round for each decoder; decoders take turns file by file, so a burst of
    load from other processes hits them all alike."""
    times: dict[str, list[float]] = {name: [] for name in decs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for r in range(rounds):
            spent = dict.fromkeys(decs, 0.0)
            for data in datas:
                for name, decode in decs.items():
                    start = time.perf_counter()
                    decode(data)
                    spent[name] += time.perf_counter() - start
            for name, seconds in spent.items():
                times[name].append(seconds)
            print(
                f"  round {r + 1}: " + ", ".join(f"{n} {mb / t:.2f} MB/s" for n, t in spent.items())
            )
    return times


def cold_start(sample: Path) -> tuple[float, float]:
    """(import seconds, first decode seconds) in a new interpreter."""
    code = (
        "import time; t = time.perf_counter();"
        "from heavylegs.importers.fastfit import decode;"
        "t1 = time.perf_counter();"
        f"decode(open({str(sample)!r}, 'rb').read());"
        "print(t1 - t, time.perf_counter() - t1)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imported, decoded = out.stdout.split()
    return float(imported), float(decoded)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--only", nargs="*", help="decoders to run (default: all found)")
    args = parser.parse_args()
    files = load_corpus(args.corpus)
    decs = {n: d for n, d in decoders().items() if not args.only or n in args.only}
    print(f"{len(files)} distinct FIT files in {args.corpus}; checking which every decoder reads")
    common = common_set(files, decs)
    datas = list(common.values())
    megabytes = sum(map(len, datas)) / 1e6
    print(f"benchmark set: {len(datas)} files, {megabytes:.1f} MB read by {', '.join(decs)}")
    times = time_rounds(decs, datas, args.rounds, megabytes)
    report(times, megabytes)
    sample = args.corpus / max(common, key=lambda n: len(common[n]))
    colds = [cold_start(sample) for _ in range(3)]
    imported = statistics.median(c[0] for c in colds)
    first = statistics.median(c[1] for c in colds)
    size = len(common[max(common, key=lambda n: len(common[n]))]) / 1e6
    print(
        f"cold start, new interpreter (median of 3): import the decoder {imported:.3f} s, "
        f"first decode of {sample.name} ({size:.1f} MB) {first:.3f} s"
    )


def report(times: dict[str, list[float]], megabytes: float) -> None:
    ours = megabytes / statistics.median(times["heavylegs"])
    print()
    print(f"| decoder | MB/s (median of {len(times['heavylegs'])}) | rounds | heavylegs x |")
    print("|---|---|---|---|")
    for name, runs in times.items():
        speed = megabytes / statistics.median(runs)
        each = " / ".join(f"{megabytes / t:.2f}" for t in runs)
        print(f"| {name} | {speed:.2f} | {each} | {ours / speed:.1f} |")
    print()


if __name__ == "__main__":
    main()
