"""What a video file is and what we make of it, with the real ffprobe and ffmpeg (nothing else decides).

`probe` reads a file (a local path or a signed URL of the bucket: ffprobe fetches only the bytes it
needs) and answers a `Probe` or raises `VideoRefused` with a user-facing reason. The `make_*`
functions write the web rendition, the poster and the seek-bar strip into a local directory; callers
move them into storage. Binaries and limits come from settings (VIDEO_FFMPEG, VIDEO_FFPROBE, ...).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from core.error_codes import ErrorCode

STRIP_FRAMES = 20  # thumbnails in the seek-bar strip
STRIP_HEIGHT = 90  # px of each thumbnail
PROBE_TIMEOUT = 30  # seconds


class VideoRefused(Exception):
    """The file is not a video we accept; `code` is the API's error code, the message is for the user."""

    def __init__(self, message: str, code: ErrorCode) -> None:
        super().__init__(message)
        self.message, self.code = message, code


class ToolFailed(Exception):
    """ffmpeg could not make an output (a damaged file, or the machine is out of resources)."""


@dataclass(frozen=True)
class Probe:
    container: str  # ffprobe's format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    codec: str  # the first video stream's codec, e.g. "h264"
    duration_ms: int
    width: int  # as displayed: coded size turned by `rotation`
    height: int
    rotation: int  # 0, 90, 180 or 270 degrees clockwise
    frame_rate: Decimal  # frames per second, 3 decimals (29.970 for 30000/1001)
    has_audio: bool


def _rotation(stream: dict[str, Any]) -> int:
    """Clockwise degrees from the display matrix (counter-clockwise in ffprobe) or the legacy `rotate` tag."""
    for side in stream.get("side_data_list") or []:
        if "rotation" in side:
            return round(-float(side["rotation"]) / 90) * 90 % 360
    tag = (stream.get("tags") or {}).get("rotate")
    return round(float(tag) / 90) * 90 % 360 if tag else 0


def _frame_rate(stream: dict[str, Any]) -> Decimal:
    for field in ("avg_frame_rate", "r_frame_rate"):
        try:
            rate = Fraction(stream.get(field) or "0/0")
        except (ValueError, ZeroDivisionError):
            continue
        if 0 < rate <= 1000:
            return Decimal(rate.numerator) / Decimal(rate.denominator)
    return Decimal(30)


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(command, capture_output=True, timeout=timeout, check=False)  # noqa: S603


def probe(source: str, *, max_seconds: int | None = None) -> Probe:
    """Probe `source` (a path or URL). Refuses what is not a video of an accepted kind, or too long.

    Raises VideoRefused (code `video_type` or `video_too_long`).
    """
    not_video = _("This file is not a video we can read. Upload an MP4, MOV or WebM video.")
    command = [settings.VIDEO_FFPROBE, "-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
    try:
        result = _run([*command, source], PROBE_TIMEOUT)
        info = json.loads(result.stdout or b"{}") if result.returncode == 0 else {}
    except (subprocess.TimeoutExpired, ValueError):
        info = {}
    container = str((info.get("format") or {}).get("format_name", ""))
    videos = [s for s in info.get("streams", []) if s.get("codec_type") == "video" and not _is_cover(s)]
    if not videos or not set(container.split(",")) & set(settings.VIDEO_CONTAINERS):
        raise VideoRefused(not_video, ErrorCode.VIDEO_TYPE)
    stream = videos[0]
    if stream.get("codec_name") not in settings.VIDEO_CODECS:
        raise VideoRefused(not_video, ErrorCode.VIDEO_TYPE)
    try:
        duration = float((info.get("format") or {}).get("duration") or stream.get("duration") or 0)
        coded = int(stream["width"]), int(stream["height"])
    except (KeyError, TypeError, ValueError):
        raise VideoRefused(not_video, ErrorCode.VIDEO_TYPE) from None
    if duration <= 0 or min(coded) <= 0:
        raise VideoRefused(not_video, ErrorCode.VIDEO_TYPE)
    limit = settings.VIDEO_MAX_SECONDS if max_seconds is None else max_seconds
    if duration > limit + 0.5:  # containers round; half a second of grace
        raise VideoRefused(
            _("The video is longer than %(seconds)d seconds. Trim it to the movement and upload it again.")
            % {"seconds": limit},
            ErrorCode.VIDEO_TOO_LONG,
        )
    rotation = _rotation(stream)
    width, height = coded[::-1] if rotation in (90, 270) else coded
    return Probe(
        container=container[:64],
        codec=str(stream["codec_name"]),
        duration_ms=round(duration * 1000),
        width=width,
        height=height,
        rotation=rotation,
        frame_rate=_frame_rate(stream).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP),
        has_audio=any(s.get("codec_type") == "audio" for s in info.get("streams", [])),
    )


def _is_cover(stream: dict[str, Any]) -> bool:
    """An attached picture (cover art) is a 'video' stream of one frame; it is not the video."""
    return bool((stream.get("disposition") or {}).get("attached_pic"))


def _ffmpeg(arguments: list[str], output: Path) -> Path:
    command = [settings.VIDEO_FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-y", *arguments, str(output)]
    try:
        result = _run(command, settings.VIDEO_FFMPEG_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed("ffmpeg took too long") from exc
    except OSError as exc:  # not installed, not executable
        raise ToolFailed(f"ffmpeg could not run: {exc}") from exc
    if result.returncode != 0 or not output.exists() or output.stat().st_size == 0:
        raise ToolFailed(result.stderr.decode(errors="replace")[-300:] or "ffmpeg failed")
    return output


def make_rendition(source: str, probe: Probe, directory: Path) -> Path:
    """The web rendition: H.264 (yuv420p, CRF 23) + AAC 128k in MP4 with the index up front (fast start),
    turned upright (ffmpeg applies the rotation), shorter side capped at VIDEO_RENDITION_MAX_SIDE,
    at the original's frame rate (frames are never dropped or duplicated, so frame steps stay exact)."""
    cap = settings.VIDEO_RENDITION_MAX_SIDE
    scale = f"scale='if(gt(iw,ih),-2,min({cap},iw))':'if(gt(iw,ih),min({cap},ih),-2)'"
    audio = ["-c:a", "aac", "-b:a", "128k", "-ac", "2"] if probe.has_audio else ["-an"]
    arguments = [
        "-i", source,
        "-map", "0:v:0", *(["-map", "0:a:0"] if probe.has_audio else []),
        "-vf", f"{scale},format=yuv420p",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-profile:v", "high",
        "-fps_mode", "passthrough",
        *audio,
        "-movflags", "+faststart",
        "-map_metadata", "-1",  # no location or device data in what is served
    ]  # fmt: skip
    return _ffmpeg(arguments, directory / "web.mp4")


def make_poster(rendition: Path, probe: Probe, directory: Path) -> Path:
    """A JPEG of the frame a tenth into the clip (the first frame is often the phone being set down)."""
    at = f"{probe.duration_ms / 10000:.3f}"
    return _ffmpeg(["-ss", at, "-i", str(rendition), "-frames:v", "1", "-q:v", "3"], directory / "poster.jpg")


def make_strip(rendition: Path, probe: Probe, directory: Path) -> tuple[Path, int]:
    """STRIP_FRAMES thumbnails evenly spread over the clip, side by side in one JPEG (a sprite the seek bar
    shows by offset: thumbnail i covers [i, i + 1) * duration / count). Returns (path, count)."""
    count = max(1, min(STRIP_FRAMES, probe.duration_ms // 250))
    fps = f"{count * 1000 / probe.duration_ms:.6f}"
    arguments = [
        "-i", str(rendition),
        "-vf", f"fps={fps},scale=-2:{STRIP_HEIGHT},tile={count}x1",
        "-frames:v", "1", "-q:v", "5",
    ]  # fmt: skip
    return _ffmpeg(arguments, directory / "strip.jpg"), count
