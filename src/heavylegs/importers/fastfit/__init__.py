"""fastfit: heavylegs' own FIT decoder, written for speed (pure Python + numpy).

>>> from heavylegs.importers.fastfit import decode
>>> data = bytes.fromhex(
...     "0e2054081f0000002e464954f89d400000140003fd04860301020602840000ca9a3b96b80b"
...     "0001ca9a3bff1c0cee1e"
... )
>>> result = decode(data)
>>> result.records["heart_rate"], result.records["speed"]
(array([150.,  nan]), array([3. , 3.1]))
>>> result.records["timestamp"][0], result.warnings, result.truncated_at
(np.datetime64('2021-09-08T01:46:40'), [], None)

Why it is fast
--------------
The official SDK and fitdecode run Python code for every field of every message
(~1 MB/s). Here the only per-message Python is the header walk; everything else is done
once per definition or vectorised over all its messages:

1. ``scan``: a 256-entry table maps each record header byte to the distance to the next
   record (a definition message, 0, sends the loop to the definition parser; undefined
   local types jump past the end and are reported). The loop does one look-up and one
   ``list.append`` per data message. Definition messages are parsed once per distinct
   byte string (cached across files) and the definition id of every message is recovered
   afterwards with numpy from the definition events.
2. ``gather``: a definition becomes a numpy structured dtype. Viewing the file as
   overlapping ``V<size>`` items one byte apart makes "the message at byte o" item o, so
   one fancy-index copies every message of a definition; each field is then a column of
   the right type and byte order (big-endian definitions included).
3. ``expand`` / ``convert``: invalid sentinels, scale/offset, semicircles to degrees,
   components (bit fields, chained: ``speed`` -> ``enhanced_speed``), accumulation
   modulo ``2**bits`` (``compressed_speed_distance``), sub-fields and compressed
   timestamp headers (a cumulative sum of 5-bit deltas) are array operations.
4. ``rows``: the small messages (session, lap, event, ...) are few but wide, so each
   definition is compiled once into a ``struct.Struct`` plus a list of steps and read one
   message at a time into SDK-like dicts; kinds with many messages (``hrv``) use the
   columnar path. A test checks both paths give identical dicts on the whole corpus.
5. ``crc``: the CRC-16 of thousands of 16-byte blocks advances together in numpy steps
   (a 65 536-entry word table); blocks are joined pairwise using the CRC's linearity:
   ~500 MB/s.

All message, field, type, scale, component and sub-field definitions come from the
profile that ``garmin_fit_sdk`` ships (``garmin_fit_sdk.profile.Profile``); base types
from ``garmin_fit_sdk.fit``.

Measured
--------
``benchmarks/bench_fit.py``, one run, 3 rounds, medians, on the 134 distinct corpus files
(18.6 MB) that all four decoders read, decoders taking turns file by file, on the shared
2-core machine while other jobs ran (load 1-10, so absolute MB/s swing ~2x between
rounds; the ratios are steadier):

=================  ==========  ======================  ==============
decoder            MB/s        rounds                  heavylegs is
=================  ==========  ======================  ==============
heavylegs          22.5        18.6 / 22.5 / 34.8      --
garmin_fit_sdk     0.35        0.27 / 0.35 / 0.54      64x faster
fitdecode          0.26        0.17 / 0.26 / 0.36      88x faster
fitfast.records    18.5        11.8 / 18.5 / 24.2      1.2x (1.2-1.6x by round)
=================  ==========  ======================  ==============

A run of heavylegs against fitfast alone (137 files, 5 rounds, lighter load): 34.4 vs
23.7 MB/s (1.5x). Per file, fitfast wins below ~30 kB (heavylegs has ~0.2 ms of fixed
cost per call) and heavylegs wins above (1.7x on a 3 MB file). Cold start in a new
interpreter: importing the decoder 0.27 s (numpy, the SDK's profile), first decode of a
3.1 MB file 0.10 s; there is no JIT to warm up.

numba was measured and not adopted: compiling the header walk and the CRC made a whole
corpus decode 1.4x faster against the first Python walk, but only 1.1x (565 vs 621 ms
CPU) once the walk used the header table, and that was before the CRC joined its blocks
in numpy; the cold start is ~1.1 s (importing numba 0.45 s, loading the cached kernels
0.67 s), which pays off only after ~500 MB decoded in one process, for a 40 MB
dependency.

Where heavylegs differs from the SDK on purpose
-----------------------------------------------
* Compressed timestamp headers are decoded (the SDK stops at the first one).
* CRCs: the header CRC is checked too (0x0000 means "not computed"); ``crc="warn"``
  keeps the data. A file cut short keeps its complete messages (``truncated_at``).
* A component value that feeds another component is rounded, not truncated (the SDK
  turns 2.03 m/s into 2.029 m/s); a direct value resets an accumulated one in the
  component's units.
* Invalid UTF-8 in strings becomes U+FFFD (the SDK drops the bytes).
* ``hr`` messages (HRM-Pro/HRM-Swim back-fill) are merged into the records' heart rates
  as the SDK's ``merge_heart_rates`` does (``heartrate``; ``merge_heart_rates=False``
  turns it off), their 96-bit ``event_timestamp_12`` included.
* Not done: developer field values (skipped by their declared size), fields the profile
  does not know, array and string record fields, other components wider than 64 bits.
* ``records`` holds every scalar numeric record field of the profile that the file
  defines (at least ``RECORD_COLUMNS``); ``speed`` and ``altitude`` take the enhanced
  value where present. Cadence is as the file stores it (per leg for running).
"""

from .api import RECORD_COLUMNS, FitResult, decode

__all__ = ["RECORD_COLUMNS", "FitResult", "decode"]
